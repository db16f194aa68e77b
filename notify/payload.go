package notify

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Size limits of the robots' markdown, in bytes of UTF-8.
const (
	// WeComMaxBytes is WeCom's documented limit for markdown.content.
	WeComMaxBytes = 4096
	// DingTalkMaxBytes caps markdown.text for DingTalk. DingTalk documents no
	// exact figure; a group message longer than this is unreadable anyway.
	DingTalkMaxBytes = 5000
)

// TruncatedMark ends a body that was cut to fit a robot's limit.
const TruncatedMark = "…（已截断）"

// Texts the robots' messages use besides the message's own.
const (
	linkLabel     = "查看交办单"
	fallbackTitle = "督办通知"
)

// Payload is the JSON body for e's channel. Only e.Channel is read; signing
// (which changes the URL, not the body) happens in Send.
//
// Generic gets every field of the message as data, verbatim. The robots get
// markdown, and the clerk's words are neutralised only where they would
// break the layout:
//   - the title is flattened to one line (a newline would end the heading);
//   - the body keeps its lines; on WeCom every line is quoted with ">";
//   - the link is shown only if it is an http(s) URL, with the characters
//     that would end a markdown link target percent-encoded, so that a
//     "javascript:" link or a ")" cannot escape it;
//   - control characters and invalid UTF-8 are dropped or replaced;
//   - the body is cut on a rune boundary, marked with TruncatedMark, to fit
//     the robot's size limit, keeping the title and the link.
//
// HTML such as <script> is left alone: the robots do not run it, and the JSON
// encoder escapes < > & anyway.
func Payload(e Endpoint, m Message) ([]byte, error) {
	var v any
	switch e.Channel {
	case Generic:
		v = genericPayload(m)
	case DingTalk:
		v = dingTalkPayload(m)
	case WeCom:
		v = weComPayload(m)
	default:
		return nil, invalid("channel", "不支持的通知渠道 %q", string(e.Channel))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s payload for message %s: %w", e.Channel, m.ID, err)
	}
	return b, nil
}

type genericBody struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	Text       string `json:"text"`
	SlipID     string `json:"slip_id"`
	SlipNumber string `json:"slip_number"`
	Department string `json:"department"`
	Level      int    `json:"level"`
	Link       string `json:"link"`
	At         string `json:"at"`
}

func genericPayload(m Message) genericBody {
	return genericBody{
		ID: m.ID, Kind: m.Kind, Title: m.Title, Text: m.Text,
		SlipID: m.SlipID, SlipNumber: m.SlipNumber, Department: m.Department,
		Level: m.Level, Link: m.Link, At: m.At.Format(time.RFC3339),
	}
}

type dingTalkBody struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

func dingTalkPayload(m Message) dingTalkBody {
	title := oneLine(m.Title)
	var b dingTalkBody
	b.MsgType = "markdown"
	b.Markdown.Title = title
	if b.Markdown.Title == "" {
		b.Markdown.Title = fallbackTitle
	}
	b.Markdown.Text = compose("\n\n", DingTalkMaxBytes, heading(title), cleanText(m.Text), markdownLink(m.Link))
	return b
}

type weComBody struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

func weComPayload(m Message) weComBody {
	var b weComBody
	b.MsgType = "markdown"
	link := markdownLink(m.Link)
	if link != "" {
		link = "\n" + link // a blank line ends the quote
	}
	b.Markdown.Content = compose("\n", WeComMaxBytes, heading(oneLine(m.Title)), quote(cleanText(m.Text)), link)
	return b
}

func heading(title string) string {
	if title == "" {
		return ""
	}
	return "### " + title
}

// quote puts every line of text in a markdown block quote, so that a
// multi-line body stays one block on WeCom.
func quote(text string) string {
	if text == "" {
		return ""
	}
	return ">" + strings.ReplaceAll(text, "\n", "\n>")
}

// linkEscaper percent-encodes what would end a markdown link target early.
var linkEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\"", "%22", "'", "%27")

// markdownLink renders link as "[查看交办单](link)", or "" when it is not an
// http(s) URL with a host: a robot must not show a javascript: link.
func markdownLink(link string) string {
	link = strings.TrimSpace(link)
	if link == "" || validateURL(link) != nil {
		return ""
	}
	return "[" + linkLabel + "](" + linkEscaper.Replace(link) + ")"
}

// oneLine makes s a clean single line: any white space or control character
// becomes a space.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// cleanText normalises line ends to "\n" and drops control characters other
// than newline and tab, which could garble the robots' rendering.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// compose joins the non-empty head, body and tail with sep. When that exceeds
// max bytes it shortens the body, so that the title and the link survive;
// only when they alone do not fit is the whole text cut.
func compose(sep string, max int, head, body, tail string) string {
	full := join(sep, head, body, tail)
	if len(full) <= max {
		return full
	}
	if body != "" {
		others := len(join(sep, head, "x", tail)) - 1
		if budget := max - others; budget >= len(TruncatedMark) {
			return join(sep, head, truncate(body, budget), tail)
		}
	}
	return truncate(full, max)
}

func join(sep string, parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}

// truncate cuts valid UTF-8 s to at most max bytes on a rune boundary,
// ending it with TruncatedMark when there is room for it.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	mark := TruncatedMark
	if max < len(mark) {
		mark = ""
	}
	cut := max - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " \t\n") + mark
}
