package activities

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/duban-gov/duban/ranking"
)

// PublishRankingRequest names the month whose ranking to freeze.
type PublishRankingRequest struct {
	Month string    `json:"month"` // YYYY-MM
	At    time.Time `json:"at"`    // the instant the ranking is taken as of
}

// PublishRanking freezes a month's ranking (晾晒榜) so that later changes to
// the ledger never alter what was published. A repeat changes nothing.
func (a *Activities) PublishRanking(ctx context.Context, req PublishRankingRequest) (bool, error) {
	published, err := ranking.Publish(ctx, a.Store, req.Month, req.At, a.RankingWeights.OrDefault())
	if err != nil {
		return false, fmt.Errorf("publish ranking of %s: %w", req.Month, err)
	}
	slog.InfoContext(ctx, "ranking published", "month", req.Month, "new", published)
	return published, nil
}
