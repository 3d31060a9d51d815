package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/browsertest"
	"github.com/qalamnews/qalam/internal/config"
	"github.com/qalamnews/qalam/internal/store"
)

const staffPassword = "correct horse battery staple"

// addStaff creates a staff account, with a linked author profile for
// those who write.
func addStaff(t *testing.T, st *store.Store, role qalam.Role, name, email string) *qalam.User {
	t.Helper()
	ctx := context.Background()
	hash, err := auth.HashPassword(staffPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := &qalam.User{Email: email, Name: name, Role: role, PasswordHash: hash}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	profile := &qalam.Author{Slug: qalam.Slugify(strings.Split(email, "@")[0]), Name: name, Bio: name + " writes for the test desk.", UserID: u.ID}
	if err := st.CreateAuthor(ctx, profile); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestBrowser_NewsroomFromDraftToCorrection is the newsroom's whole job in
// a real browser: an author writes an article in Urdu with a featured image,
// previews it and submits it; an editor publishes it and appends a
// correction; a reader sees all of it on the public site. Screenshots of
// each step are saved as artifacts.
func TestBrowser_NewsroomFromDraftToCorrection(t *testing.T) {
	m := startMain(t, func(c *config.Config) { c.Demo = true })
	ctx := context.Background()
	addStaff(t, m.store, qalam.RoleAuthor, "Nadia Karim", "nadia@example.org")
	addStaff(t, m.store, qalam.RoleEditor, "Omar Siddiqui", "omar@example.org")
	categories, err := m.store.FindCategories(ctx)
	if err != nil || len(categories) == 0 {
		t.Fatalf("no categories: %v", err)
	}
	photo := filepath.Join(t.TempDir(), "photo.jpg")
	writePhoto(t, photo)

	b := browsertest.New(t)
	base := m.URL()
	headline := "شہر کے کتب خانے میں نیا مطالعہ گھر"
	body := "کتب خانے کی دوسری منزل پر ایک نیا مطالعہ گھر کھول دیا گیا ہے۔\n\n## اوقات\n\nیہ صبح نو بجے سے شام سات بجے تک کھلا رہے گا۔"

	signIn := func(email string) {
		t.Helper()
		must(t, chromedp.Do(b,
			chromedp.Navigate(base+"/admin/login"),
			chromedp.SendKeys(chromedp.CSS("input[name=email]"), email),
			chromedp.SendKeys(chromedp.CSS("input[name=password]"), staffPassword),
			chromedp.Click(chromedp.CSS("form button[type=submit]")),
			chromedp.WaitVisible(chromedp.CSS(".admin-user")),
		))
	}

	// The author writes and saves a draft in Urdu, with a featured image.
	signIn("nadia@example.org")
	must(t, chromedp.Do(b,
		chromedp.Navigate(base+"/admin/articles/new"),
		chromedp.SetValue(chromedp.CSS("#f-language"), "ur"),
		chromedp.SendKeys(chromedp.CSS("#f-headline"), headline),
		chromedp.SendKeys(chromedp.CSS("#f-standfirst"), "شہریوں کے لیے پڑھنے کی نئی جگہ۔"),
		chromedp.SetValue(chromedp.CSS("#f-slug"), "nayi-mutala-gah"),
		chromedp.SetValue(chromedp.CSS("#f-category"), itoa(categories[0].ID)),
		chromedp.SetValue(chromedp.CSS("#f-body"), body),
		chromedp.SendKeys(chromedp.CSS("#f-tags"), "کتب خانہ"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-image-file"), []string{photo}),
		chromedp.SendKeys(chromedp.CSS("#f-alt"), "The new reading room, with long tables by the windows"),
	))
	// With JavaScript on, the live preview shows the article as readers
	// will see it, right to left.
	must(t, chromedp.Do(b,
		chromedp.SendKeys(chromedp.CSS("#f-body"), " "),
		chromedp.WaitVisible(chromedp.CSS("[data-preview-pane]")),
	))
	preview, err := chromedp.Run(b, chromedp.Poll[string](`(function(){
		var d = document.querySelector("[data-preview-frame]").contentDocument;
		var h = d && d.querySelector(".headline");
		return h && d.querySelector(".story").getAttribute("dir") === "rtl" ? h.textContent : "";
	})()`))
	must(t, err)
	if strings.TrimSpace(preview) != headline {
		t.Errorf("live preview headline = %q", preview)
	}
	browsertest.Screenshot(t, b, "1-author-writes-with-preview")
	must(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS(".editor-buttons button[type=submit]:not([formaction])")),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/submit"]`)),
	))
	art, err := m.store.ArticleBySlug(ctx, "nayi-mutala-gah")
	if err != nil {
		t.Fatalf("the draft was not saved: %v", err)
	}
	if art.Status != qalam.Draft || art.Language != qalam.Urdu || art.FeaturedImage == nil {
		t.Fatalf("saved article: status %s, language %s, image %v", art.Status, art.Language, art.FeaturedImage)
	}

	// The author submits it for review, and cannot publish it.
	must(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`form[action$="/submit"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".status-submitted")),
	))
	var publishButtons []*chromedp.Node
	publishButtons, err = chromedp.Run(b, chromedp.Nodes(chromedp.CSS(`form[action$="/publish"]`), chromedp.AtLeast(0)))
	must(t, err)
	if len(publishButtons) != 0 {
		t.Error("the author is offered a publish button")
	}
	browsertest.Screenshot(t, b, "2-author-submitted")
	must(t, chromedp.Do(b, chromedp.Click(chromedp.CSS(".admin-user button")), chromedp.WaitVisible(chromedp.CSS("input[name=email]"))))

	// The editor publishes it and appends a correction.
	signIn("omar@example.org")
	editor := base + "/admin/articles/" + itoa(art.ID)
	must(t, chromedp.Do(b,
		chromedp.Navigate(editor),
		chromedp.Click(chromedp.CSS(`form[action$="/publish"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".correction-form")),
	))
	browsertest.Screenshot(t, b, "3-editor-published")
	correction := "پہلے ورژن میں اوقات غلط لکھے گئے تھے۔"
	must(t, chromedp.Do(b,
		chromedp.Click(chromedp.CSS(`.correction-form input[name=kind][value=correction]`)),
		chromedp.SendKeys(chromedp.CSS(".correction-form textarea[name=text]"), correction),
		chromedp.Click(chromedp.CSS(".correction-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".corrections-panel .corrections-list li")),
	))

	// A reader sees all of it on the public site.
	must(t, chromedp.Do(b,
		chromedp.Navigate(base+"/articles/nayi-mutala-gah"),
		chromedp.WaitVisible(chromedp.CSS(".story")),
	))
	browsertest.Screenshot(t, b, "4-reader-sees-article")
	checks := map[string]string{
		`document.querySelector(".story .headline").textContent`:                                       headline,
		`document.querySelector(".story").getAttribute("dir")`:                                         "rtl",
		`document.documentElement.getAttribute("lang")`:                                                "ur",
		`document.querySelector(".lead-image img").getAttribute("alt")`:                                "The new reading room, with long tables by the windows",
		`document.querySelector(".lead-image img").naturalWidth > 0 ? "y" : ""`:                        "y",
		`document.querySelector("#corrections").textContent.includes("` + correction + `") ? "y" : ""`: "y",
		`document.querySelector(".story-body h2").textContent`:                                         "اوقات",
	}
	for expr, want := range checks {
		got, err := chromedp.Run(b, chromedp.Evaluate[string](expr))
		if err != nil || strings.TrimSpace(got) != want {
			t.Errorf("%s = %q (%v), want %q", expr, got, err, want)
		}
	}
	got, err := m.store.Article(ctx, art.ID)
	must(t, err)
	if got.Status != qalam.Published || len(got.Corrections) != 1 {
		t.Errorf("article is %s with %d corrections", got.Status, len(got.Corrections))
	}
}

// writePhoto writes a small JPEG, as a phone would upload.
func writePhoto(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 1200, 800))
	for y := range 800 {
		for x := range 1200 {
			img.Set(x, y, color.RGBA{uint8(x / 5), uint8(y / 4), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
