package store

import (
	"github.com/duban-gov/duban/calendar"
	"github.com/duban-gov/duban/internal/jsonread"
	"github.com/duban-gov/duban/slip"
)

// decodeLedgerTrack is decodeTrack for the 台账's export: what the export
// colours a part by (unit, role, status, deadline, acknowledgement
// reminder) and what its cells show (the report's 实现情况, figures, 存在问题
// and 具体措施, a refusal's reason, a waiver, the unit a 改派 gave it to),
// every other field zero. The part's times are left out: parsing them was
// a third of decoding a part. It reads the JSON with package jsonread, in
// one pass over the detail without copying it, its keys exactly as
// jsonText writes them; TestDecodeLedgerTrackAgreesWithEncodingJSON holds
// it equal to encoding/json's reading of the same detail.
func decodeLedgerTrack(detail []byte) (slip.Track, error) {
	var t slip.Track
	r := jsonread.NewReader(detail)
	err := r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "department":
			t.Department, err = r.Text()
		case "role":
			var s string
			s, err = r.OneOf(roleNames)
			t.Role = slip.TrackRole(s)
		case "status":
			var s string
			s, err = r.OneOf(statusNames)
			t.Status = slip.TrackStatus(s)
		case "deadline":
			t.Deadline, err = readDate(r)
		case "ack_reminded":
			t.AckReminded, err = r.Bool()
		case "waiver":
			t.Waiver, err = r.Text()
		case "replaced_by":
			t.ReplacedBy, err = r.Text()
		case "refusal":
			t.Refusal, err = readRefusal(r)
		case "report":
			t.Report, err = readReport(r)
		default:
			err = r.Skip()
		}
		return err
	})
	if err == nil {
		err = r.End()
	}
	if err != nil {
		return slip.Track{}, err
	}
	return t, nil
}

// roleNames and statusNames are the words a part's role and status are
// written with, read without making a string of each.
var (
	roleNames   = []string{string(slip.RoleLead), string(slip.RoleCo)}
	statusNames = []string{string(slip.TrackIssued), string(slip.TrackInProgress), string(slip.TrackCompleted),
		string(slip.TrackRefused), string(slip.TrackReplaced), string(slip.TrackWaived), string(slip.TrackCancelled)}
)

// readReport reads a part's report (null: none): what the 台账 shows of it.
func readReport(r *jsonread.Reader) (*slip.Report, error) {
	if r.Null() {
		return nil, nil
	}
	var rep slip.Report
	err := r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "achieved":
			rep.Achieved, err = r.Text()
		case "problems":
			rep.Problems, err = r.Text()
		case "figures":
			rep.Figures = emptyUnlessNull(r, rep.Figures)
			err = r.Array(func() error {
				f, err := readFigure(r)
				rep.Figures = append(rep.Figures, f)
				return err
			})
		case "measures":
			rep.Measures = emptyUnlessNull(r, rep.Measures)
			err = r.Array(func() error {
				m, err := readMeasure(r)
				rep.Measures = append(rep.Measures, m)
				return err
			})
		default:
			err = r.Skip()
		}
		return err
	})
	return &rep, err
}

// readFigure reads one of a report's figures (null: a zero one).
func readFigure(r *jsonread.Reader) (slip.Figure, error) {
	var f slip.Figure
	err := r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "name":
			f.Name, err = r.Text()
		case "value":
			f.Value, err = r.Text()
		case "unit":
			f.Unit, err = r.Text()
		default:
			err = r.Skip()
		}
		return err
	})
	return f, err
}

// readMeasure reads one of a report's 具体措施 (null: a zero one).
func readMeasure(r *jsonread.Reader) (slip.Measure, error) {
	var m slip.Measure
	err := r.Object(func(key []byte) error {
		var err error
		switch string(key) {
		case "content":
			m.Content, err = r.Text()
		case "due":
			m.Due, err = readDate(r)
		case "units":
			m.Units = emptyUnlessNull(r, m.Units)
			err = r.Array(func() error {
				u, err := r.Text()
				m.Units = append(m.Units, u)
				return err
			})
		default:
			err = r.Skip()
		}
		return err
	})
	return m, err
}

// readRefusal reads a part's refusal (null: none): its reason.
func readRefusal(r *jsonread.Reader) (*slip.Refusal, error) {
	if r.Null() {
		return nil, nil
	}
	var ref slip.Refusal
	err := r.Object(func(key []byte) error {
		if string(key) == "reason" {
			var err error
			ref.Reason, err = r.Text()
			return err
		}
		return r.Skip()
	})
	return &ref, err
}

// readDate reads a date as calendar.Date's UnmarshalText does (null: zero).
func readDate(r *jsonread.Reader) (calendar.Date, error) {
	var d calendar.Date
	b, err := r.Bytes()
	if err != nil {
		return d, err
	}
	err = d.UnmarshalText(b)
	return d, err
}

// emptyUnlessNull is what encoding/json makes of a list before reading its
// elements into it: nothing if the list is null, else an empty list, which
// keeps an empty array's [] apart from null's nil.
func emptyUnlessNull[T any](r *jsonread.Reader, _ []T) []T {
	if r.NullNext() {
		return nil
	}
	return []T{}
}
