package qalam

import "time"

// CorrectionKind says whether a note corrects an error or adds news.
type CorrectionKind string

// Kinds of note appended to a published article.
const (
	KindCorrection CorrectionKind = "correction"
	KindUpdate     CorrectionKind = "update"
)

// Valid reports whether k is a known kind.
func (k CorrectionKind) Valid() bool { return k == KindCorrection || k == KindUpdate }

// Title is the kind as shown to readers.
func (k CorrectionKind) Title(lang Language) string {
	switch {
	case lang == Urdu && k == KindCorrection:
		return "تصحیح"
	case lang == Urdu:
		return "تازہ کاری"
	case k == KindCorrection:
		return "Correction"
	default:
		return "Update"
	}
}

// Correction is a public, timestamped note on a published article: what was
// wrong and is now right, or what has happened since.
type Correction struct {
	ID        int64
	ArticleID int64
	Kind      CorrectionKind
	Text      string // Markdown
	TextHTML  string // sanitised by package markup
	UserID    int64  // the editor who appended it
	CreatedAt time.Time
}

// Validate checks a correction as an editor writes it.
func (c *Correction) Validate() error {
	errs := FieldErrors{}
	if !c.Kind.Valid() {
		errs["kind"] = "Choose correction or update."
	}
	checkText(errs, "text", c.Text, true, 5000)
	return errs.Err()
}

// Revision is a saved state of an article's text, kept on every save of a
// published article so any two can be compared and any restored.
type Revision struct {
	ID             int64
	ArticleID      int64
	Headline       string
	Standfirst     string
	EditorNote     string
	Body           string
	Label          Label
	SEOTitle       string
	SEODescription string
	// Minor marks a quiet fix (a typo) that readers are not told about;
	// it is still kept here.
	Minor     bool
	Note      string // the editor's summary of the change
	UserID    int64
	CreatedAt time.Time
}
