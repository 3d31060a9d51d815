package view

import (
	"net/url"
	"time"

	"github.com/qalamnews/qalam"
)

// The pages of a reader's own data and mail: asking for a link to one's
// comments, opening it, the comments with their download and erasure, and
// stopping reply emails.

// Paths of the reader's data pages and of emailed links.
const (
	PrivacyPath     = "/comments/privacy"
	PrivacyMinePath = "/comments/privacy/mine"
)

// DataLinkPath is the path of a reader's emailed link to their comments.
func DataLinkPath(token string) string { return "/comments/privacy/link/" + url.PathEscape(token) }

// UnsubscribePath is the path of an emailed link that stops reply emails.
func UnsubscribePath(token string) string { return "/comments/unsubscribe/" + url.PathEscape(token) }

// WithLang adds ?lang=ur to a path on an Urdu page, so a reader's choice
// of language follows them through a form.
func WithLang(path string, lang qalam.Language) string {
	if lang == qalam.Urdu {
		return path + "?lang=ur"
	}
	return path
}

// DataRequestPage asks for the email address a reader commented with, to
// send them a link to their comments.
type DataRequestPage struct {
	Page
	MailOff bool   // the site cannot send mail: the form is not offered
	Sent    bool   // the request was taken: the same answer whether or not the address has comments
	Action  string // where the form posts
	Key     string // the form's one-time key (its time is checked, as the comment form's)
	Email   string
	Errors  qalam.FieldErrors
	Message string
	Other   string // the same page in the other language
}

// DataLinkPage is where an emailed link lands: a button opens the
// reader's comments (a GET must change nothing, and mail scanners follow
// links), or a word that the link is used or out of date.
type DataLinkPage struct {
	Page
	Valid  bool
	Action string // where the button posts
	Again  string // the request page, for a new link
}

// ReaderCommentsPage lists every comment a reader posted with their
// address, with a download of them and their erasure.
type ReaderCommentsPage struct {
	Page
	Comments []ReaderComment
	Until    time.Time // when this session ends
	Download string    // the JSON download
	Erase    string    // where erasure posts
	// Erased is how many comments were just erased: the page after
	// erasure, which lists nothing.
	Erased  int
	Done    bool
	Errors  qalam.FieldErrors
	Message string
}

// ReaderComment is one of a reader's comments as their page lists it.
type ReaderComment struct {
	Comment         *qalam.Comment
	ArticleHeadline string
	ArticleLanguage qalam.Language
	ArticleHref     string // "" when the article is not on the site
	// Status is "published", "held" or "removed", as the reader reads it.
	Status string
}

// ReaderStatus is how a comment's status reads to its author: published,
// held (for moderation) or removed (by a moderator or by the reader,
// whatever the reason: spam verdicts are not announced).
func ReaderStatus(s qalam.CommentStatus) string {
	switch s {
	case qalam.Approved:
		return "published"
	case qalam.Pending:
		return "held"
	}
	return "removed"
}

// UnsubscribePage is where the unsubscribe link of a reply notification
// lands: a button to stop reply emails (GET changes nothing), then the
// confirmation.
type UnsubscribePage struct {
	Page
	Valid  bool
	Done   bool
	Action string
}

// privacyMessages are the words of these pages and of the comment form's
// mail options, merged into messages at start-up so that they live beside
// the pages that use them.
var privacyMessages = map[string][2]string{
	"notify_replies":      {"Email me when someone replies to my comment (after a moderator approves the reply).", "جب کوئی میرے تبصرے کا جواب دے تو مجھے ای میل کیجیے (ناظم کی منظوری کے بعد)۔"},
	"your_data_link":      {"See, download or erase your comments", "اپنے تبصرے دیکھیے، ڈاؤن لوڈ کیجیے یا مٹائیے"},
	"comment_removed":     {"Comment removed", "تبصرہ ہٹا دیا گیا"},
	"privacy_title":       {"Your comments", "آپ کے تبصرے"},
	"privacy_intro":       {"Enter the email address you commented with. We will send a link there that shows every comment posted with it, lets you download them and lets you erase them. The link works once, for 24 hours.", "وہ ای میل پتہ درج کیجیے جس سے آپ نے تبصرے کیے۔ ہم اس پر ایک لنک بھیجیں گے جس سے آپ اس پتے سے کیے گئے تمام تبصرے دیکھ، ڈاؤن لوڈ اور مٹا سکیں گے۔ لنک ایک بار، 24 گھنٹے تک کام کرے گا۔"},
	"privacy_send":        {"Send me the link", "مجھے لنک بھیجیے"},
	"privacy_sent":        {"If comments were posted with this address, a link to them is on its way. Check your inbox (and spam folder) in a few minutes.", "اگر اس پتے سے تبصرے کیے گئے ہیں تو ان کا لنک بھیج دیا گیا ہے۔ چند منٹ میں اپنا ان باکس (اور اسپام فولڈر) دیکھیے۔"},
	"privacy_mail_off":    {"This site cannot send email at the moment, so it cannot send you a link to your comments. Please write to the editors instead.", "یہ سائٹ اس وقت ای میل نہیں بھیج سکتی، اس لیے آپ کے تبصروں کا لنک نہیں بھیجا جا سکتا۔ براہ کرم مدیران کو لکھیے۔"},
	"privacy_open":        {"Open my comments", "میرے تبصرے کھولیے"},
	"privacy_open_intro":  {"This link opens the list of your comments in this browser for an hour. It works once.", "یہ لنک آپ کے تبصروں کی فہرست اس براؤزر میں ایک گھنٹے کے لیے کھولتا ہے۔ یہ ایک بار کام کرتا ہے۔"},
	"privacy_bad_link":    {"This link has been used or is out of date. Ask for a new one.", "یہ لنک استعمال ہو چکا ہے یا پرانا ہے۔ نیا لنک منگوائیے۔"},
	"privacy_ask_again":   {"Ask for a new link", "نیا لنک منگوائیے"},
	"privacy_none":        {"No comments are kept with this address.", "اس پتے سے کوئی تبصرہ محفوظ نہیں۔"},
	"privacy_until":       {"This page works in this browser until", "یہ صفحہ اس براؤزر میں اس وقت تک کام کرے گا:"},
	"privacy_download":    {"Download them all (JSON)", "سب ڈاؤن لوڈ کیجیے (JSON)"},
	"privacy_erase":       {"Erase all my comments", "میرے تمام تبصرے مٹا دیجیے"},
	"privacy_erase_intro": {"Erasing removes the text of every comment listed here, with your name, email address and website. Where others replied to a comment, the discussion shows \"comment removed\" in its place. This cannot be undone.", "مٹانے سے یہاں درج ہر تبصرے کا متن، آپ کے نام، ای میل پتے اور ویب سائٹ سمیت، ہٹ جائے گا۔ جہاں دوسروں نے جواب دیا ہے وہاں گفتگو میں \"تبصرہ ہٹا دیا گیا\" دکھائی دے گا۔ یہ عمل واپس نہیں ہو سکتا۔"},
	"privacy_confirm":     {"Yes, erase all my comments", "جی ہاں، میرے تمام تبصرے مٹا دیجیے"},
	"privacy_erased":      {"Your comments have been erased.", "آپ کے تبصرے مٹا دیے گئے۔"},
	"privacy_article":     {"Article", "مضمون"},
	"privacy_status":      {"Status", "حیثیت"},
	"status_published":    {"published", "شائع"},
	"status_held":         {"held for moderation", "منظوری کا منتظر"},
	"status_removed":      {"removed", "ہٹایا گیا"},
	"other_language":      {"اردو میں", "In English"},
	"unsubscribe_title":   {"Stop reply emails", "جوابات کی ای میلز بند کیجیے"},
	"unsubscribe_intro":   {"Stop all emails about replies to your comments, sent to the address this link came to.", "اس پتے پر آپ کے تبصروں کے جوابات کی تمام ای میلز بند کیجیے جس پر یہ لنک آیا۔"},
	"unsubscribe_button":  {"Stop reply emails", "ای میلز بند کیجیے"},
	"unsubscribe_done":    {"Done: you will get no more emails about replies. To get them again, tick the box when you next comment.", "ہو گیا: آپ کو جوابات کی مزید ای میلز نہیں آئیں گی۔ دوبارہ چاہیں تو اگلی بار تبصرہ کرتے ہوئے خانے پر نشان لگائیے۔"},
	"unsubscribe_bad":     {"This link is not valid any more. If emails still come, use the link in the latest one.", "یہ لنک اب درست نہیں۔ اگر ای میلز اب بھی آئیں تو تازہ ترین ای میل کا لنک استعمال کیجیے۔"},
}

func init() {
	for k, v := range privacyMessages {
		messages[k] = v
	}
}

// PrivacyText is one of these pages' words (a key of privacyMessages) in
// lang, for titles set by handlers.
func PrivacyText(lang qalam.Language, key string) string { return translate(lang, key) }
