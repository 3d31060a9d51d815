package view

// mirrorMessages are the words of a static mirror's pages (Page.Mirror):
// the note an article page shows instead of the comment form.
var mirrorMessages = map[string][2]string{ // key: {English, Urdu}
	"mirror_note":     {"This is a copy of the site: the comments are shown as they stood when it was made.", "یہ سائٹ کی ایک نقل ہے: تبصرے اسی حالت میں ہیں جس میں نقل بنتے وقت تھے۔"},
	"mirror_continue": {"The discussion continues on the live site.", "گفتگو اصل سائٹ پر جاری ہے۔"},
}

func init() {
	for k, v := range mirrorMessages {
		messages[k] = v
	}
}
