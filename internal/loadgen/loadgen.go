// Package loadgen drives slips through their whole life over duban's HTTP
// API, as simulated clerks would: the office issues, the lead department
// acknowledges, reports progress and resolution, the office passes the
// review and signs off. It is shared by `duban bench` (throughput and
// latency) and the multi-process kill test (correctness while processes
// die), so it retries the way a careful client must.
//
// Retrying safely: every request carries an Idempotency-Key that is fixed
// per slip and step, so a retry of a request whose first attempt was applied
// (the answer lost with a killed process) applies nothing new — the API
// returns the same slip for an issue and Temporal deduplicates the update of
// an action. An action the workflow has already moved past (sign-off of a
// slip that closed while the answer was lost) is recognised by re-reading
// the slip's status.
package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Step is one request in a slip's life.
type Step struct {
	Name   string // as reported: issue, acknowledge, …
	Path   string // after /api/v1/slips/{id}/ ("" for the issue)
	Body   any
	Office bool   // done by the office (else by the lead department)
	After  string // the slip's status once the step is applied
}

// Lifecycle is what every driven slip goes through: 交办 → 签收 → 进展 →
// 申请办结 → 复核（通过）→ 销号.
var Lifecycle = []Step{
	{Name: "issue", Office: true, After: "issued"},
	{Name: "acknowledge", Path: "acknowledge", After: "in_progress"},
	{Name: "progress", Path: "progress", Body: map[string]any{"text": "已完成过半"}, After: "in_progress"},
	{Name: "resolution", Path: "resolution", Body: map[string]any{"summary": "全部完成", "evidence": []string{"验收报告.pdf"}}, After: "pending_review"},
	{Name: "review", Path: "review", Body: map[string]any{"passed": true}, Office: true, After: "pending_signoff"},
	{Name: "signoff", Path: "signoff", Body: map[string]any{"comment": "同意销号"}, Office: true, After: "closed"},
}

// Department is a simulated lead department and its clerk's API token.
type Department struct {
	Code  string
	Token string
}

// Client talks to one or more API processes (behind no load balancer: it
// spreads requests itself and moves to the next address when one fails).
type Client struct {
	// URLs are API base addresses, e.g. http://127.0.0.1:8080.
	URLs []string
	HTTP *http.Client
	// GiveUp bounds the retries of one request (default 3 minutes).
	GiveUp time.Duration
	// RunID makes idempotency keys unique to this run.
	RunID string

	next    atomic.Uint64
	retries atomic.Int64
	done    atomic.Int64
	stats   *Stats
}

// Retries is how many requests were sent again after a failure.
func (c *Client) Retries() int64 { return c.retries.Load() }

// Done is how many lifecycle steps have been applied so far, for a caller
// that acts at points of a run (the kill test).
func (c *Client) Done() int64 { return c.done.Load() }

// reply is an answer with its body.
type reply struct {
	status int
	body   []byte
	header http.Header
}

func (r reply) errorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// retryable reports whether an answer means "try again later".
func retryable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}

// send makes one attempt on the next API address.
func (c *Client) send(ctx context.Context, method, path string, body any, token, key string) (reply, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(raw)
	}
	base := c.URLs[int(c.next.Add(1))%len(c.URLs)]
	req, err := http.NewRequestWithContext(ctx, method, base+"/api/v1"+path, rd)
	if err != nil {
		return reply{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, body: raw, header: resp.Header}, nil
}

// do sends a request until it gets an answer that is not "try again":
// connection errors, 429 and 5xx are retried (same Idempotency-Key) with
// backoff, on the next API address.
func (c *Client) do(ctx context.Context, method, path string, body any, token, key string) (reply, error) {
	giveUp := c.GiveUp
	if giveUp == 0 {
		giveUp = 3 * time.Minute
	}
	deadline := time.Now().Add(giveUp)
	backoff := 50 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			c.retries.Add(1)
		}
		r, err := c.send(ctx, method, path, body, token, key)
		if err == nil && !retryable(r.status) {
			return r, nil
		}
		if ctx.Err() != nil {
			return reply{}, ctx.Err()
		}
		if time.Now().After(deadline) {
			if err != nil {
				return reply{}, fmt.Errorf("%s %s: gave up after %d attempts: %w", method, path, attempt+1, err)
			}
			return reply{}, fmt.Errorf("%s %s: gave up after %d attempts: %d %s", method, path, attempt+1, r.status, r.body)
		}
		wait := backoff + rand.N(backoff)
		if err == nil && r.status == http.StatusTooManyRequests {
			if s, perr := strconv.Atoi(r.header.Get("Retry-After")); perr == nil && s > 0 {
				wait = time.Duration(s) * time.Second
			}
		}
		select {
		case <-ctx.Done():
			return reply{}, ctx.Err()
		case <-time.After(wait):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

// SlipState is what GET /slips/{id} tells about a slip.
type SlipState struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Status   string `json:"status"`
	Seq      int64  `json:"seq"`
	Timeline []struct {
		Seq  int64  `json:"seq"`
		Type string `json:"type"`
	} `json:"timeline"`
}

// Get reads a slip with its timeline.
func (c *Client) Get(ctx context.Context, id, token string) (SlipState, error) {
	r, err := c.do(ctx, http.MethodGet, "/slips/"+id, nil, token, "")
	if err != nil {
		return SlipState{}, err
	}
	var s SlipState
	if r.status != http.StatusOK {
		return s, fmt.Errorf("get slip %s: %d %s", id, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, &s); err != nil {
		return s, fmt.Errorf("get slip %s: %w", id, err)
	}
	return s, nil
}

// statusRank orders the lifecycle statuses, to tell "already past" from
// "not there yet".
var statusRank = map[string]int{"issued": 0, "in_progress": 1, "pending_review": 2, "pending_signoff": 3, "closed": 4}

// Issue issues slip i of the run; repeated calls (same run, same i) return
// the same slip.
func (c *Client) Issue(ctx context.Context, i int, office string, dept string) (SlipState, error) {
	began := time.Now()
	r, err := c.do(ctx, http.MethodPost, "/slips", Draft(i, dept), office, fmt.Sprintf("%s-%d-issue", c.RunID, i))
	if err != nil {
		return SlipState{}, err
	}
	if r.status != http.StatusCreated {
		return SlipState{}, fmt.Errorf("issue slip %d: %d %s", i, r.status, r.body)
	}
	var s SlipState
	if err := json.Unmarshal(r.body, &s); err != nil {
		return s, fmt.Errorf("issue slip %d: %w", i, err)
	}
	c.stats.observe("issue", time.Since(began))
	c.done.Add(1)
	return s, nil
}

// Act applies step st (not the issue) to slip id. When the answer is a 409
// because the slip is already past the step — the first attempt was applied
// and its answer lost — the slip's status says so and the step counts as done.
func (c *Client) Act(ctx context.Context, i int, id string, st Step, token string) error {
	began := time.Now()
	r, err := c.do(ctx, http.MethodPost, "/slips/"+id+"/"+st.Path, st.Body, token, fmt.Sprintf("%s-%d-%s", c.RunID, i, st.Name))
	if err != nil {
		return err
	}
	switch {
	case r.status == http.StatusOK:
	case r.status == http.StatusConflict && r.errorCode() == "invalid_transition":
		now, err := c.Get(ctx, id, token)
		if err != nil {
			return err
		}
		if statusRank[now.Status] < statusRank[st.After] {
			return fmt.Errorf("%s slip %s: refused at status %s: %s", st.Name, id, now.Status, r.body)
		}
	default:
		return fmt.Errorf("%s slip %s: %d %s", st.Name, id, r.status, r.body)
	}
	c.stats.observe(st.Name, time.Since(began))
	c.done.Add(1)
	return nil
}

// Draft is the slip request of slip i, led by department dept.
func Draft(i int, dept string) map[string]any {
	return map[string]any{
		"title":           fmt.Sprintf("压测交办事项 %d", i),
		"content":         "按期完成整改并报送进展，逐项对账销号。",
		"source":          "负载测试",
		"batch":           "loadgen",
		"category":        "压测",
		"priority":        "normal",
		"lead_department": dept,
		"leader":          "王副市长",
		"deadline":        time.Now().AddDate(0, 0, 30).Format(time.DateOnly),
	}
}

// Options of a run.
type Options struct {
	Slips       int
	Concurrency int
	Office      []string // office clerks' tokens; slip i uses Office[i%len]
	Departments []Department
	// Phased issues every slip first and then drives them all, timing each
	// phase (the benchmark); otherwise each client takes one slip through
	// its whole life before the next (the kill test).
	Phased bool
	// IssueOnly issues the slips and leaves them open (Phased only): the
	// benchmark of memory with N open slips.
	IssueOnly bool
}

// Report is what a run did.
type Report struct {
	Slips   []SlipState // as last answered, by slip index
	Issue   time.Duration
	Drive   time.Duration // the rest of the lifecycle (Phased only)
	Total   time.Duration
	Actions map[string]Summary
	// Updates pools the latencies of every action after the issue: the
	// floor's "update(all 5)".
	Updates  Summary
	Retries  int64
	Requests int
}

// Summary is the latency of one kind of request.
type Summary struct {
	Count         int
	P50, P95, P99 time.Duration
	Max           time.Duration
}

// Run drives o.Slips slips through their life at o.Concurrency; it stops at
// the first slip that cannot be driven.
func (c *Client) Run(ctx context.Context, o Options) (Report, error) {
	if o.Slips <= 0 || len(o.Office) == 0 || len(o.Departments) == 0 {
		return Report{}, ErrNothingToDo
	}
	c.stats = &Stats{byName: map[string][]time.Duration{}}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	slips := make([]SlipState, o.Slips)
	var (
		errOnce  sync.Once
		firstErr error
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	parallel := func(fn func(i int) error) {
		work := make(chan int)
		var wg sync.WaitGroup
		for range max(o.Concurrency, 1) {
			wg.Go(func() {
				for i := range work {
					if err := fn(i); err != nil {
						fail(fmt.Errorf("slip %d: %w", i, err))
					}
				}
			})
		}
	feed:
		for i := range o.Slips {
			select {
			case work <- i:
			case <-ctx.Done():
				break feed
			}
		}
		close(work)
		wg.Wait()
	}
	issue := func(i int) error {
		d := o.Departments[i%len(o.Departments)]
		s, err := c.Issue(ctx, i, o.Office[i%len(o.Office)], d.Code)
		slips[i] = s
		return err
	}
	drive := func(i int) error {
		d := o.Departments[i%len(o.Departments)]
		for _, st := range Lifecycle[1:] {
			token := d.Token
			if st.Office {
				token = o.Office[i%len(o.Office)]
			}
			if err := c.Act(ctx, i, slips[i].ID, st, token); err != nil {
				return err
			}
		}
		return nil
	}
	rep := Report{}
	began := time.Now()
	if o.Phased {
		parallel(issue)
		rep.Issue = time.Since(began)
		if firstErr == nil && !o.IssueOnly {
			parallel(drive)
		}
		rep.Drive = time.Since(began) - rep.Issue
	} else {
		parallel(func(i int) error {
			if err := issue(i); err != nil {
				return err
			}
			return drive(i)
		})
	}
	rep.Total = time.Since(began)
	rep.Slips = slips
	rep.Retries = c.Retries()
	rep.Actions, rep.Updates, rep.Requests = c.stats.summaries()
	return rep, firstErr
}

// Stats collects request latencies by step.
type Stats struct {
	mu     sync.Mutex
	byName map[string][]time.Duration
}

func (s *Stats) observe(name string, d time.Duration) {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.byName[name] = append(s.byName[name], d)
	s.mu.Unlock()
}

func (s *Stats) summaries() (byName map[string]Summary, updates Summary, requests int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byName = map[string]Summary{}
	var pooled []time.Duration
	for name, ds := range s.byName {
		byName[name] = summarize(ds)
		requests += len(ds)
		if name != Lifecycle[0].Name {
			pooled = append(pooled, ds...)
		}
	}
	return byName, summarize(pooled), requests
}

// summarize is the percentiles of ds (zero for none).
func summarize(ds []time.Duration) Summary {
	if len(ds) == 0 {
		return Summary{}
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	return Summary{Count: len(ds), P50: q(.50), P95: q(.95), P99: q(.99), Max: ds[len(ds)-1]}
}

// ErrNothingToDo is returned for a run without slips, office or departments.
var ErrNothingToDo = errors.New("loadgen: no slips, office token or department to drive")
