package app

import (
	"fmt"
	"log/slog"

	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/ranking"
	"github.com/duban-gov/duban/reminder"
)

// Rules are the working-day calendars, reminder policies and ranking
// weights a process runs by, loaded once at start.
type Rules struct {
	// Strict computes deadlines: a year without holiday data is an error.
	Strict *calendar.Calendar
	// Lenient plans reminders and colours and counts the statistics' working
	// days: a year without data counts weekends only, with a logged warning,
	// and such reminders are marked.
	Lenient  *calendar.Calendar
	Policies reminder.Policies
	// Weights score the monthly ranking.
	Weights ranking.Weights
	// DeadlineYears is how far past its issue date a deadline may lie (0:
	// slip.DefaultDeadlineYears).
	DeadlineYears int
	// RefuseWorkingDays is the 退回 window (0: slip.DefaultRefuseWorkingDays).
	RefuseWorkingDays int
}

// RuleFiles name the operator's additions to the shipped rules; the zero
// value gives the shipped rules alone.
type RuleFiles struct {
	// Calendars are holiday files (DUBAN_CALENDAR_FILES): a new year's
	// arrangement (cn-2027.txt) or local closures (override).
	Calendars []string
	// ReminderPolicies is a JSON file of policies per category
	// (DUBAN_REMINDER_POLICIES); empty: reminder.DefaultPolicies.
	ReminderPolicies string
	// RankingWeights is a JSON file of the ranking's weights
	// (DUBAN_RANKING_WEIGHTS); empty: ranking.DefaultWeights.
	RankingWeights string
	// DeadlineYears (DUBAN_DEADLINE_MAX_YEARS); 0: the default.
	DeadlineYears int
	// RefuseWorkingDays (DUBAN_REFUSE_WORKING_DAYS); 0: the default.
	RefuseWorkingDays int
}

// LoadRules reads the shipped calendar plus the operator's files. Errors
// name the environment variable the file came from.
func LoadRules(f RuleFiles, log *slog.Logger) (Rules, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var extra []calendar.Source
	for _, path := range f.Calendars {
		src, err := calendar.LoadFile(path)
		if err != nil {
			return Rules{}, fmt.Errorf("DUBAN_CALENDAR_FILES: %w", err)
		}
		extra = append(extra, src)
	}
	strict, err := calendar.New(calendar.Options{Extra: extra, MissingYear: calendar.Strict, Log: log})
	if err != nil {
		return Rules{}, fmt.Errorf("calendar: %w", err)
	}
	lenient, err := calendar.New(calendar.Options{Extra: extra, MissingYear: calendar.WeekendsOnly, Log: log})
	if err != nil {
		return Rules{}, fmt.Errorf("calendar: %w", err)
	}
	policies := reminder.DefaultPolicies()
	if f.ReminderPolicies != "" {
		if policies, err = reminder.LoadPolicies(f.ReminderPolicies); err != nil {
			return Rules{}, fmt.Errorf("DUBAN_REMINDER_POLICIES: %w", err)
		}
	}
	weights := ranking.DefaultWeights()
	if f.RankingWeights != "" {
		if weights, err = ranking.LoadWeights(f.RankingWeights); err != nil {
			return Rules{}, fmt.Errorf("DUBAN_RANKING_WEIGHTS: %w", err)
		}
	}
	log.Info("calendar loaded", "years", strict.Years(), "extra_files", len(extra), "policy_categories", len(policies.Categories))
	return Rules{Strict: strict, Lenient: lenient, Policies: policies, Weights: weights, DeadlineYears: f.DeadlineYears, RefuseWorkingDays: f.RefuseWorkingDays}, nil
}
