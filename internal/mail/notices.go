package mail

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
)

// The messages Qalam sends, worded here and nowhere else. Each is plain
// text: no HTML, so no remote images, tracking pixels or markup to
// sanitise, and a reader's words arrive as they typed them.

// maxQuoted is how much of a reply a notification quotes, in characters.
const maxQuoted = 1000

// ReplyNotice tells a commenter who asked for it that someone replied.
// It is worded in the article's language.
type ReplyNotice struct {
	SiteName        string
	Language        qalam.Language
	ArticleHeadline string
	ReplyAuthor     string
	ReplyText       string // the reply as typed (it is public: approved)
	ReplyLink       string // absolute URL of the reply on the article page
	Unsubscribe     string // absolute URL that stops reply emails
}

// Message is the notification for the address to.
func (n ReplyNotice) Message(to string) Message {
	var b strings.Builder
	if n.Language == qalam.Urdu {
		fmt.Fprintf(&b, "%s نے „%s“ پر آپ کے تبصرے کا جواب دیا:\n\n", n.ReplyAuthor, n.ArticleHeadline)
		quote(&b, n.ReplyText)
		fmt.Fprintf(&b, "\nپوری گفتگو پڑھیے اور جواب دیجیے:\n%s\n\n", n.ReplyLink)
		fmt.Fprintf(&b, "-- \nیہ ای میل آپ کو اس لیے ملی کہ آپ نے %s پر تبصرہ کرتے ہوئے جوابات کی اطلاع مانگی تھی۔\n", n.SiteName)
		fmt.Fprintf(&b, "جوابات کی ای میلز بند کرنے کے لیے:\n%s\n", n.Unsubscribe)
		return Message{To: to, Subject: n.ReplyAuthor + " نے آپ کے تبصرے کا جواب دیا: " + n.ArticleHeadline, Body: b.String(), Unsubscribe: n.Unsubscribe}
	}
	fmt.Fprintf(&b, "%s replied to your comment on \"%s\":\n\n", n.ReplyAuthor, n.ArticleHeadline)
	quote(&b, n.ReplyText)
	fmt.Fprintf(&b, "\nRead the discussion and reply:\n%s\n\n", n.ReplyLink)
	fmt.Fprintf(&b, "-- \nYou get this email because you asked to be told of replies when you commented on %s.\n", n.SiteName)
	fmt.Fprintf(&b, "To stop emails about replies:\n%s\n", n.Unsubscribe)
	return Message{To: to, Subject: n.ReplyAuthor + " replied to your comment: " + n.ArticleHeadline, Body: b.String(), Unsubscribe: n.Unsubscribe}
}

// quote writes text as a quotation, cut at maxQuoted characters.
func quote(b *strings.Builder, text string) {
	if utf8.RuneCountInString(text) > maxQuoted {
		cut := 0
		for i := range text {
			if cut == maxQuoted {
				text = text[:i] + " …"
				break
			}
			cut++
		}
	}
	for line := range strings.SplitSeq(strings.TrimSpace(text), "\n") {
		b.WriteString("> " + strings.TrimRight(line, " \r") + "\n")
	}
}

// WaitingArticle is an article with comments waiting, as an alert names
// it.
type WaitingArticle struct {
	Headline string
	Waiting  int
}

// ModerationAlert tells a staff member that comments wait for moderation.
// It names counts and headlines only: a held comment's text may be abusive
// or someone's personal data, and stays in the newsroom.
type ModerationAlert struct {
	SiteName  string
	Waiting   int
	Articles  []WaitingArticle
	More      int    // articles with waiting comments not listed
	QueueLink string // absolute URL of the moderation queue
	Settings  string // absolute URL of the account page, where alerts are turned off
}

// Message is the alert for the address to.
func (a ModerationAlert) Message(to string) Message {
	var b strings.Builder
	noun := "comments wait"
	if a.Waiting == 1 {
		noun = "comment waits"
	}
	fmt.Fprintf(&b, "%d %s for moderation on %s.\n\n", a.Waiting, noun, a.SiteName)
	for _, art := range a.Articles {
		fmt.Fprintf(&b, "  %d  %s\n", art.Waiting, art.Headline)
	}
	if a.More > 0 {
		fmt.Fprintf(&b, "  and %d more articles\n", a.More)
	}
	fmt.Fprintf(&b, "\nOpen the queue:\n%s\n\n", a.QueueLink)
	fmt.Fprintf(&b, "-- \nYou asked for these alerts on your account page, where you can turn them off:\n%s\n", a.Settings)
	return Message{To: to, Subject: fmt.Sprintf("%d %s for moderation", a.Waiting, noun), Body: b.String()}
}

// DataLink sends a reader the link to their comments, in English and Urdu
// (the request page does not know which the reader reads).
type DataLink struct {
	SiteName string
	Link     string // absolute URL; good once, for Hours hours
	Hours    int
}

// Message is the link for the address to.
func (d DataLink) Message(to string) Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Someone, probably you, asked %s for the comments posted with this email address.\n\n", d.SiteName)
	fmt.Fprintf(&b, "Open this link to see them, download them or erase them. It works once, for %d hours:\n%s\n\n", d.Hours, d.Link)
	b.WriteString("If you did not ask, ignore this email: nothing happens without the link.\n\n")
	fmt.Fprintf(&b, "کسی نے، غالباً آپ نے، %s سے اس ای میل پتے سے کیے گئے تبصرے مانگے ہیں۔\n\n", d.SiteName)
	fmt.Fprintf(&b, "انہیں دیکھنے، ڈاؤن لوڈ کرنے یا مٹانے کے لیے یہ لنک کھولیے۔ یہ ایک بار، %d گھنٹے تک کام کرے گا:\n%s\n\n", d.Hours, d.Link)
	b.WriteString("اگر آپ نے یہ درخواست نہیں کی تو اس ای میل کو نظر انداز کر دیجیے: لنک کے بغیر کچھ نہیں ہوگا۔\n")
	return Message{To: to, Subject: "Your comments on " + d.SiteName + " / " + d.SiteName + " پر آپ کے تبصرے", Body: b.String()}
}
