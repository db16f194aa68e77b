package main

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/reminder"
)

// rules are the working-day calendar, reminder policies and ranking weights
// a process runs by, loaded once at start.
type rules struct {
	// strict computes deadlines: a year without holiday data is an error.
	strict *calendar.Calendar
	// lenient plans reminders and colours: a year without data counts
	// weekends only, with a logged warning, and such reminders are marked.
	lenient  *calendar.Calendar
	policies reminder.Policies
	// weights score the monthly ranking.
	weights ranking.Weights
	// deadlineYears is how far past its issue date a deadline may lie.
	deadlineYears int
}

// loadRules reads the shipped calendar plus the operator's files
// (DUBAN_CALENDAR_FILES, comma-separated: year files such as cn-2027.txt and
// local override files) and the reminder policies (DUBAN_REMINDER_POLICIES).
func loadRules(cfg config, log *slog.Logger) (rules, error) {
	var extra []calendar.Source
	for _, path := range strings.Split(cfg.CalendarFiles, ",") {
		if path = strings.TrimSpace(path); path == "" {
			continue
		}
		src, err := calendar.LoadFile(path)
		if err != nil {
			return rules{}, fmt.Errorf("DUBAN_CALENDAR_FILES: %w", err)
		}
		extra = append(extra, src)
	}
	strict, err := calendar.New(calendar.Options{Extra: extra, MissingYear: calendar.Strict, Log: log})
	if err != nil {
		return rules{}, fmt.Errorf("calendar: %w", err)
	}
	lenient, err := calendar.New(calendar.Options{Extra: extra, MissingYear: calendar.WeekendsOnly, Log: log})
	if err != nil {
		return rules{}, fmt.Errorf("calendar: %w", err)
	}
	policies := reminder.DefaultPolicies()
	if cfg.ReminderPolicies != "" {
		if policies, err = reminder.LoadPolicies(cfg.ReminderPolicies); err != nil {
			return rules{}, fmt.Errorf("DUBAN_REMINDER_POLICIES: %w", err)
		}
	}
	weights := ranking.DefaultWeights()
	if cfg.RankingWeights != "" {
		if weights, err = ranking.LoadWeights(cfg.RankingWeights); err != nil {
			return rules{}, fmt.Errorf("DUBAN_RANKING_WEIGHTS: %w", err)
		}
	}
	log.Info("calendar loaded", "years", strict.Years(), "extra_files", len(extra), "policy_categories", len(policies.Categories))
	return rules{strict: strict, lenient: lenient, policies: policies, weights: weights, deadlineYears: cfg.DeadlineYears}, nil
}
