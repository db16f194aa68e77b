package notify

import "time"

// Message is one notification about a slip: what is said, to whom, and about
// which slip. It is plain data so that a workflow can build it
// deterministically and hand it to an activity.
type Message struct {
	// ID is stable across retries ("slip-<id>-7") and is sent as the
	// Idempotency-Key header. Printable ASCII, at most MaxIDLength bytes.
	ID string `json:"id"`
	// Kind names the occasion: "ack_reminder", "due_reminder", "urge",
	// "supervise", "public_notice", "digest", or any other word.
	Kind string `json:"kind"`
	// Title is one line, e.g. "【催办】督〔2026〕17号 推进老旧小区改造".
	Title string `json:"title"`
	// Text is the body; it may span several lines.
	Text       string `json:"text"`
	SlipID     string `json:"slip_id"`
	SlipNumber string `json:"slip_number"`
	// Department is the code of the department addressed.
	Department string `json:"department"`
	// Level is the escalation level of the reminder (0 for the first).
	Level int `json:"level"`
	// Link is an optional http(s) URL to the slip; the robots show it as
	// "查看交办单".
	Link string `json:"link"`
	// At is when the message was decided, normally workflow.Now.
	At time.Time `json:"at"`
}

// MaxIDLength bounds Message.ID, which travels in an HTTP header.
const MaxIDLength = 200
