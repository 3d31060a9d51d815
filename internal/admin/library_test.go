package admin

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/media"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/view"
)

func TestLibrary_PagesRenderWithZeroData(t *testing.T) {
	engine, err := view.New(view.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pages := []struct {
		name string
		data any
	}{
		{"admin/media", mediaPage{}},
		{"admin/media-edit", mediaEditPage{}},
		{"admin/media-edit", mediaEditPage{Confirm: true}},
		{"admin/authors", authorsPage{}},
		{"admin/author-edit", authorEditPage{}},
		{"admin/taxonomy", taxonomyPage{}},
		{"admin/taxonomy", taxonomyPage{Tag: &store.TagCount{}}},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := engine.Execute(&buf, p.name, p.data); err != nil {
				t.Fatal(err)
			}
			doc, err := html.Parse(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if len(fxByTag(doc, "h1")) == 0 {
				t.Error("no heading")
			}
			if strings.Contains(buf.String(), "ZgotmplZ") {
				t.Error("an unsafe value was filtered out of the output")
			}
		})
	}
}

// libraryFixture is the shared fixture with a media library over a folder
// the test can look into.
func libraryFixture(t *testing.T) (*fixture, string) {
	t.Helper()
	dir := t.TempDir()
	lib, err := media.New(media.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return newFixture(t, withMedia(lib)), dir
}

// testJPEG is a JPEG wide enough (640px) to get a smaller copy (480px).
func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 400))
	for i := 0; i < len(img.Pix); i += 4 {
		x, y := (i/4)%640, (i/4)/640
		copy(img.Pix[i:], []byte{uint8(x / 3), uint8(y / 2), 90, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// postMultipart sends fields and, when file is not nil, a file in the
// field fileField, as a browser sends a form with enctype multipart.
func (f *fixture) postMultipart(t *testing.T, c *http.Client, path string, fields url.Values, fileField, fileName string, file []byte) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile(fileField, fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	resp, err := c.Post(f.url(path), mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return resp
}

// filesIn lists the files in dir.
func filesIn(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// fieldError returns the message shown in the .field holding the control
// named name, or "".
func fieldError(doc *html.Node, name string) string {
	control := fxInput(doc, name)
	if control == nil {
		return ""
	}
	for p := control.Parent; p != nil; p = p.Parent {
		if fxHasClass(p, "field") || p.Data == "fieldset" {
			var msgs []string
			for _, e := range fxByClass(p, "field-error") {
				msgs = append(msgs, fxText(e))
			}
			return strings.Join(msgs, " ")
		}
	}
	return ""
}

func wantStatus(t *testing.T, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s: status %d, want %d\n%.2000s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, want, b)
	}
}

func wantRedirect(t *testing.T, resp *http.Response, prefix string) {
	t.Helper()
	defer resp.Body.Close()
	wantStatus(t, resp, http.StatusSeeOther)
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("%s %s: redirected to %q, want %s…", resp.Request.Method, resp.Request.URL.Path, loc, prefix)
	}
	if u, err := url.Parse(loc); err != nil {
		t.Fatal(err)
	} else if key := u.Query().Get("flash"); key != "" && flashes[key] == "" {
		t.Errorf("redirected with the flash key %q, which has no message", key)
	}
}

func TestMedia_Upload(t *testing.T) {
	f, dir := libraryFixture(t)
	ctx := context.Background()
	c := f.client(t, qalam.RoleAuthor)

	t.Run("a JPEG is stored, listed and served", func(t *testing.T) {
		fields := url.Values{"alt": {"Protesters with banners outside the assembly"}, "caption": {"اسمبلی کے باہر احتجاج"}, "credit": {"Photo: Qalam"}}
		wantRedirect(t, f.postMultipart(t, c, "/admin/media", fields, "file", "protest.jpg", testJPEG(t)), "/admin/media?flash=")

		list, total, err := f.st.FindMedia(ctx, store.MediaFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if total != 1 || len(list) != 1 {
			t.Fatalf("%d uploads stored, want 1", total)
		}
		m := list[0]
		if m.UserID != f.users[qalam.RoleAuthor].ID || m.Alt != fields.Get("alt") || m.Caption != fields.Get("caption") || m.Credit != "Photo: Qalam" {
			t.Errorf("stored %+v, want the author's upload with the typed description", m)
		}
		if m.ContentType != "image/jpeg" || m.Width != 640 || len(m.Variants) == 0 {
			t.Errorf("stored %s %dpx with %d smaller copies, want a 640px JPEG with copies", m.ContentType, m.Width, len(m.Variants))
		}

		doc := f.page(t, f.get(t, c, "/admin/media"))
		cards := fxByClass(doc, "media-card")
		if len(cards) != 1 {
			t.Fatalf("%d cards in the grid, want 1", len(cards))
		}
		if got := fxText(fxByClass(cards[0], "media-alt")[0]); got != fields.Get("alt") {
			t.Errorf("card shows %q, want the alt text", got)
		}
		imgs := fxByTag(cards[0], "img")
		if len(imgs) != 1 || fxAttr(imgs[0], "src") != media.URL(m.Variants[0].Name) {
			t.Errorf("thumbnail is not the narrowest copy %s", media.URL(m.Variants[0].Name))
		}

		// Served publicly by the library at /media/{name}.
		mux := http.NewServeMux()
		mux.Handle("GET /media/{name}", f.lib.(http.Handler))
		for _, name := range append([]string{m.Name}, m.Variants[0].Name) {
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, httptest.NewRequest("GET", media.URL(name), nil))
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "image/jpeg" {
				t.Fatalf("GET %s: %d %s", media.URL(name), rec.Code, rec.Header().Get("Content-Type"))
			}
			if _, format, err := image.DecodeConfig(rec.Body); err != nil || format != "jpeg" {
				t.Errorf("GET %s: not a JPEG (%v)", media.URL(name), err)
			}
		}

		// The edit page shows the sizes and the srcset.
		doc = f.page(t, f.get(t, c, "/admin/media/"+strconv.FormatInt(m.ID, 10)))
		preview := fxFind(doc, func(n *html.Node) bool { return n.Data == "img" && fxAttr(n, "srcset") != "" })
		if len(preview) != 1 || fxAttr(preview[0], "srcset") != media.Srcset(m) || fxAttr(preview[0], "alt") != m.Alt {
			t.Errorf("no preview with the srcset %q and the alt text", media.Srcset(m))
		}
	})

	before := filesIn(t, dir)

	t.Run("missing alt text is refused, the caption kept", func(t *testing.T) {
		fields := url.Values{"caption": {"Kept caption"}, "credit": {"Kept credit"}}
		resp := f.postMultipart(t, c, "/admin/media", fields, "file", "photo.jpg", testJPEG(t))
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		doc := f.page(t, resp)
		if msg := fieldError(doc, "alt"); msg == "" {
			t.Error("no message at the alt text field")
		}
		if got := fxText(fxInput(doc, "caption")); got != "Kept caption" {
			t.Errorf("caption = %q, want the typed one", got)
		}
		if got := fxAttr(fxInput(doc, "credit"), "value"); got != "Kept credit" {
			t.Errorf("credit = %q, want the typed one", got)
		}
		if got := filesIn(t, dir); !slices.Equal(got, before) {
			t.Errorf("files in the media folder: %v, want only %v", got, before)
		}
	})

	t.Run("an SVG is refused", func(t *testing.T) {
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`)
		fields := url.Values{"alt": {"A drawing"}, "caption": {"SVG"}}
		resp := f.postMultipart(t, c, "/admin/media", fields, "file", "drawing.svg", svg)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		doc := f.page(t, resp)
		if msg := fieldError(doc, "file"); !strings.Contains(msg, "JPEG, PNG, GIF or WebP") {
			t.Errorf("message at the file field = %q, want the accepted types", msg)
		}
		if got := fxText(fxInput(doc, "alt")); got != "A drawing" {
			t.Errorf("alt = %q, want the typed one", got)
		}
		if got := filesIn(t, dir); !slices.Equal(got, before) {
			t.Errorf("files in the media folder: %v, want only %v", got, before)
		}
		if _, total, _ := f.st.FindMedia(ctx, store.MediaFilter{}); total != 1 {
			t.Errorf("%d uploads stored, want still 1", total)
		}
	})

	t.Run("no file is refused", func(t *testing.T) {
		resp := f.postMultipart(t, c, "/admin/media", url.Values{"alt": {"Nothing"}}, "", "", nil)
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if msg := fieldError(f.page(t, resp), "file"); msg == "" {
			t.Error("no message at the file field")
		}
	})

	t.Run("a moderator cannot upload", func(t *testing.T) {
		resp := f.postMultipart(t, f.client(t, qalam.RoleModerator), "/admin/media", url.Values{"alt": {"x"}}, "file", "a.jpg", testJPEG(t))
		resp.Body.Close()
		wantStatus(t, resp, http.StatusForbidden)
	})
}

func TestMedia_EditIsTheUploadersOrAnEditors(t *testing.T) {
	f, _ := libraryFixture(t)
	ctx := context.Background()
	author := f.client(t, qalam.RoleAuthor)
	own := f.upload(t, f.users[qalam.RoleAuthor])
	others := f.upload(t, f.users[qalam.RoleEditor])
	ownPath, othersPath := "/admin/media/"+strconv.FormatInt(own.ID, 10), "/admin/media/"+strconv.FormatInt(others.ID, 10)

	t.Run("the grid offers editing only the author's own", func(t *testing.T) {
		doc := f.page(t, f.get(t, author, "/admin/media"))
		if n := len(fxByClass(doc, "media-card")); n != 2 {
			t.Fatalf("%d cards, want both uploads", n)
		}
		var links []string
		for _, a := range fxByTag(doc, "a") {
			if strings.HasPrefix(fxAttr(a, "href"), "/admin/media/") {
				links = append(links, fxAttr(a, "href"))
			}
		}
		if !slices.Contains(links, ownPath) || slices.Contains(links, othersPath) {
			t.Errorf("edit links %v, want %s and not %s", links, ownPath, othersPath)
		}
	})

	t.Run("another's upload is refused", func(t *testing.T) {
		for _, resp := range []*http.Response{
			f.get(t, author, othersPath),
			f.post(t, author, othersPath, url.Values{"alt": {"Changed"}}),
			f.get(t, author, othersPath+"/delete"),
			f.post(t, author, othersPath+"/delete", nil),
		} {
			resp.Body.Close()
			wantStatus(t, resp, http.StatusForbidden)
		}
		if m, err := f.st.Media(ctx, others.ID); err != nil || m.Alt != others.Alt {
			t.Errorf("another's upload changed: %+v, %v", m, err)
		}
	})

	t.Run("the author's own is saved", func(t *testing.T) {
		wantRedirect(t, f.post(t, author, ownPath, url.Values{"alt": {"A red dot on white"}, "caption": {"Dot"}, "credit": {""}}), ownPath+"?flash=")
		m, err := f.st.Media(ctx, own.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Alt != "A red dot on white" || m.Caption != "Dot" {
			t.Errorf("stored alt %q caption %q", m.Alt, m.Caption)
		}
	})

	t.Run("blank alt text is refused", func(t *testing.T) {
		resp := f.post(t, author, ownPath, url.Values{"alt": {"  "}, "caption": {"Typed"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		doc := f.page(t, resp)
		if fieldError(doc, "alt") == "" || fxText(fxInput(doc, "caption")) != "Typed" {
			t.Error("want a message at alt and the typed caption")
		}
	})

	t.Run("an editor may edit anyone's", func(t *testing.T) {
		resp := f.get(t, f.client(t, qalam.RoleEditor), ownPath)
		resp.Body.Close()
		wantStatus(t, resp, http.StatusOK)
	})
}

func TestMedia_DeleteRemovesRecordAndFiles(t *testing.T) {
	f, dir := libraryFixture(t)
	c := f.client(t, qalam.RoleAuthor)
	wantRedirect(t, f.postMultipart(t, c, "/admin/media", url.Values{"alt": {"A gradient"}}, "file", "g.jpg", testJPEG(t)), "/admin/media?flash=")
	list, _, err := f.st.FindMedia(context.Background(), store.MediaFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("uploads: %v, %v", list, err)
	}
	m := list[0]
	path := "/admin/media/" + strconv.FormatInt(m.ID, 10) + "/delete"
	if n := len(filesIn(t, dir)); n != 1+len(m.Variants) {
		t.Fatalf("%d files, want the original and %d copies", n, len(m.Variants))
	}

	// The confirmation page asks, and its form posts.
	doc := f.page(t, f.get(t, c, path))
	forms := fxFind(doc, func(n *html.Node) bool { return n.Data == "form" && fxAttr(n, "action") == path })
	if len(forms) != 1 || fxAttr(forms[0], "method") != "post" {
		t.Fatal("no confirmation form posting to the delete address")
	}
	if _, err := f.st.Media(context.Background(), m.ID); err != nil {
		t.Fatalf("the confirmation page deleted the upload: %v", err)
	}

	wantRedirect(t, f.post(t, c, path, nil), "/admin/media?flash=")
	if _, err := f.st.Media(context.Background(), m.ID); !errors.Is(err, qalam.ErrNotFound) {
		t.Errorf("record after delete: %v, want not found", err)
	}
	if got := filesIn(t, dir); len(got) != 0 {
		t.Errorf("files left after delete: %v", got)
	}
}

func TestAuthors(t *testing.T) {
	f, _ := libraryFixture(t)
	ctx := context.Background()
	author := f.client(t, qalam.RoleAuthor)
	editor := f.client(t, qalam.RoleEditor)
	own := f.authors[qalam.RoleAuthor]
	ownPath := "/admin/authors/" + strconv.FormatInt(own.ID, 10)
	othersPath := "/admin/authors/" + strconv.FormatInt(f.authors[qalam.RoleEditor].ID, 10)

	t.Run("every writer sees the list, with edit links for what they may edit", func(t *testing.T) {
		doc := f.page(t, f.get(t, author, "/admin/authors"))
		if rows := fxFind(doc, func(n *html.Node) bool { return n.Data == "tr" }); len(rows) != 1+len(f.authors) {
			t.Errorf("%d rows, want a header and %d authors", len(rows), len(f.authors))
		}
		var links []string
		for _, a := range fxByTag(doc, "a") {
			links = append(links, fxAttr(a, "href"))
		}
		if !slices.Contains(links, ownPath) || slices.Contains(links, othersPath) || slices.Contains(links, "/admin/authors/new") {
			t.Errorf("links %v: want the own profile only, and no new-author link", links)
		}
	})

	t.Run("an author edits their own profile but not its slug or account", func(t *testing.T) {
		doc := f.page(t, f.get(t, author, ownPath))
		if fxInput(doc, "user") != nil || fxInput(doc, "slug") != nil {
			t.Error("the author is offered the linked account or the slug")
		}
		form := url.Values{
			"name":  {"Ayesha S."},
			"bio":   {"سیاست پر لکھتی ہیں۔"},
			"links": {"https://ayesha.example\n\n  https://social.example/@ayesha  \n"},
			"slug":  {"hijacked"},
			"user":  {strconv.FormatInt(f.users[qalam.RoleEditor].ID, 10)},
			"photo": {"0"},
		}
		wantRedirect(t, f.post(t, author, ownPath, form), ownPath+"?flash=")
		got, err := f.st.Author(ctx, own.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Ayesha S." || got.Bio != form.Get("bio") || !slices.Equal(got.Links, []string{"https://ayesha.example", "https://social.example/@ayesha"}) {
			t.Errorf("stored %+v", got)
		}
		if got.Slug != own.Slug || got.UserID != f.users[qalam.RoleAuthor].ID {
			t.Errorf("slug %q account %d changed, want %q and %d", got.Slug, got.UserID, own.Slug, f.users[qalam.RoleAuthor].ID)
		}
	})

	t.Run("an author cannot edit another's profile or create one", func(t *testing.T) {
		for _, resp := range []*http.Response{
			f.get(t, author, othersPath),
			f.post(t, author, othersPath, url.Values{"name": {"Taken over"}}),
			f.get(t, author, "/admin/authors/new"),
			f.post(t, author, "/admin/authors/new", url.Values{"name": {"New"}}),
		} {
			resp.Body.Close()
			wantStatus(t, resp, http.StatusForbidden)
		}
		if got, _ := f.st.Author(ctx, f.authors[qalam.RoleEditor].ID); got.Name == "Taken over" {
			t.Error("another's profile was changed")
		}
	})

	t.Run("a bad link is refused with the form kept", func(t *testing.T) {
		resp := f.post(t, author, ownPath, url.Values{"name": {"Kept name"}, "links": {"javascript:alert(1)"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		doc := f.page(t, resp)
		if fieldError(doc, "links") == "" {
			t.Error("no message at the links")
		}
		if got := fxAttr(fxInput(doc, "name"), "value"); got != "Kept name" {
			t.Errorf("name = %q, want the typed one", got)
		}
	})

	t.Run("an editor creates a profile with a photo uploaded there", func(t *testing.T) {
		form := url.Values{"name": {"Zara Khan"}, "bio": {"Reports from Karachi."}, "photo_alt": {"Zara Khan in a newsroom"}}
		resp := f.postMultipart(t, editor, "/admin/authors/new", form, "photo_file", "zara.jpg", testJPEG(t))
		wantRedirect(t, resp, "/admin/authors/")
		au, err := f.st.AuthorBySlug(ctx, "zara-khan")
		if err != nil {
			t.Fatalf("slug not suggested from the name: %v", err)
		}
		m, err := f.st.Media(ctx, au.PhotoID)
		if err != nil || m.Alt != "Zara Khan in a newsroom" {
			t.Errorf("photo %+v, %v: want the uploaded one with its alt text", m, err)
		}
	})

	t.Run("a photo without alt text is refused", func(t *testing.T) {
		resp := f.postMultipart(t, editor, "/admin/authors/new", url.Values{"name": {"No Alt"}}, "photo_file", "x.jpg", testJPEG(t))
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if fieldError(f.page(t, resp), "photo_alt") == "" {
			t.Error("no message at the photo's alt text")
		}
		if _, err := f.st.AuthorBySlug(ctx, "no-alt"); !errors.Is(err, qalam.ErrNotFound) {
			t.Errorf("profile created: %v", err)
		}
	})

	t.Run("an editor links an account, but not one that has a profile", func(t *testing.T) {
		contributor := storetest.Author(t, f.st)
		path := "/admin/authors/" + strconv.FormatInt(contributor.ID, 10)
		taken := strconv.FormatInt(f.users[qalam.RoleAuthor].ID, 10)
		resp := f.post(t, editor, path, url.Values{"name": {contributor.Name}, "slug": {contributor.Slug}, "user": {taken}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if fieldError(f.page(t, resp), "user") == "" {
			t.Error("no message at the account")
		}

		fresh := storetest.User(t, f.st, func(u *qalam.User) { u.Role = qalam.RoleAuthor })
		form := url.Values{"name": {contributor.Name}, "slug": {"new-slug"}, "user": {strconv.FormatInt(fresh.ID, 10)}}
		wantRedirect(t, f.post(t, editor, path, form), path+"?flash=")
		got, err := f.st.Author(ctx, contributor.ID)
		if err != nil || got.UserID != fresh.ID || got.Slug != "new-slug" {
			t.Errorf("stored %+v, %v: want the account %d and the new slug", got, err, fresh.ID)
		}
	})
}

func TestCategories(t *testing.T) {
	f, _ := libraryFixture(t)
	ctx := context.Background()
	editor := f.client(t, qalam.RoleEditor)
	politics := storetest.Category(t, f.st, func(c *qalam.Category) { c.Name, c.Slug = "Politics", "politics" })
	path := "/admin/categories/" + strconv.FormatInt(politics.ID, 10)

	t.Run("authors may not manage them", func(t *testing.T) {
		resp := f.get(t, f.client(t, qalam.RoleAuthor), "/admin/categories")
		resp.Body.Close()
		wantStatus(t, resp, http.StatusForbidden)
	})

	t.Run("the last category cannot be deleted", func(t *testing.T) {
		resp := f.post(t, editor, path+"/delete", url.Values{"move_to": {""}})
		wantStatus(t, resp, http.StatusConflict)
		// The only category has no select; the message is in its row.
		var msgs []string
		for _, e := range fxByClass(f.page(t, resp), "field-error") {
			msgs = append(msgs, fxText(e))
		}
		if len(msgs) != 1 || !strings.Contains(msgs[0], "only category") {
			t.Errorf("messages %q, want one saying it is the only category", msgs)
		}
		if _, err := f.st.Category(ctx, politics.ID); err != nil {
			t.Errorf("the last category was deleted: %v", err)
		}
	})

	t.Run("create, with the slug made from the name", func(t *testing.T) {
		wantRedirect(t, f.post(t, editor, "/admin/categories", url.Values{"name": {"World News"}}), "/admin/categories?flash=")
		if _, err := f.st.CategoryBySlug(ctx, "world-news"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("rename", func(t *testing.T) {
		wantRedirect(t, f.post(t, editor, path, url.Values{"name": {"Politics & Power"}, "slug": {"power"}}), "/admin/categories?flash=")
		c, err := f.st.Category(ctx, politics.ID)
		if err != nil || c.Name != "Politics & Power" || c.Slug != "power" {
			t.Errorf("renamed to %+v, %v", c, err)
		}
	})

	t.Run("a slug in use is refused with the name kept", func(t *testing.T) {
		resp := f.post(t, editor, path, url.Values{"name": {"Typed name"}, "slug": {"world-news"}})
		wantStatus(t, resp, http.StatusConflict)
		doc := f.page(t, resp)
		inputs := fxFind(doc, func(n *html.Node) bool { return fxAttr(n, "id") == "cat-"+strconv.FormatInt(politics.ID, 10)+"-name" })
		if len(inputs) != 1 || fxAttr(inputs[0], "value") != "Typed name" {
			t.Error("the typed name is not kept in its row")
		}
	})

	t.Run("delete moves its articles", func(t *testing.T) {
		world, err := f.st.CategoryBySlug(ctx, "world-news")
		if err != nil {
			t.Fatal(err)
		}
		art := storetest.Article(t, f.st, func(a *qalam.Article) { a.CategoryID = politics.ID })

		resp := f.post(t, editor, path+"/delete", url.Values{})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if fieldError(f.page(t, resp), "move_to") == "" {
			t.Error("no message at the move-to select")
		}

		wantRedirect(t, f.post(t, editor, path+"/delete", url.Values{"move_to": {strconv.FormatInt(world.ID, 10)}}), "/admin/categories?flash=")
		if _, err := f.st.Category(ctx, politics.ID); !errors.Is(err, qalam.ErrNotFound) {
			t.Errorf("category after delete: %v", err)
		}
		got, err := f.st.Article(ctx, art.ID)
		if err != nil || got.CategoryID != world.ID {
			t.Errorf("article in category %d (%v), want %d", got.CategoryID, err, world.ID)
		}
	})

	t.Run("the list counts articles", func(t *testing.T) {
		doc := f.page(t, f.get(t, editor, "/admin/categories"))
		var counts []string
		for _, tr := range fxByTag(doc, "tr") {
			if cells := fxByTag(tr, "td"); len(cells) == 4 {
				counts = append(counts, fxText(cells[0])+"="+fxText(cells[2]))
			}
		}
		if !slices.Contains(counts, "World News=1") {
			t.Errorf("rows %v, want World News with 1 article", counts)
		}
	})
}

func TestTags(t *testing.T) {
	f, _ := libraryFixture(t)
	ctx := context.Background()
	editor := f.client(t, qalam.RoleEditor)
	both := storetest.Article(t, f.st, func(a *qalam.Article) { a.TagNames = []string{"Election", "Elections"} })
	one := storetest.Article(t, f.st, func(a *qalam.Article) { a.TagNames = []string{"Election", "Budget"} })
	tag := func(slug string) *qalam.Tag {
		t.Helper()
		tg, err := f.st.TagBySlug(ctx, slug)
		if err != nil {
			t.Fatalf("tag %s: %v", slug, err)
		}
		return tg
	}
	tagNames := func(id int64) []string {
		t.Helper()
		a, err := f.st.Article(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tg := range a.Tags {
			names = append(names, tg.Name)
		}
		return names
	}
	election, elections := tag("election"), tag("elections")
	path := func(id int64) string { return "/admin/tags/" + strconv.FormatInt(id, 10) }

	t.Run("listed with counts", func(t *testing.T) {
		doc := f.page(t, f.get(t, editor, "/admin/categories"))
		var rows []string
		for _, tr := range fxByTag(doc, "tr") {
			if cells := fxByTag(tr, "td"); len(cells) == 3 {
				rows = append(rows, fxText(cells[0])+"="+fxText(cells[2]))
			}
		}
		if !slices.Contains(rows, "Election=2") || !slices.Contains(rows, "Elections=1") {
			t.Errorf("tag rows %v", rows)
		}
	})

	t.Run("merge: an article with both ends with one", func(t *testing.T) {
		doc := f.page(t, f.get(t, editor, path(elections.ID)))
		if fxInput(doc, "into") == nil {
			t.Fatal("no merge select on the tag's page")
		}
		wantRedirect(t, f.post(t, editor, path(elections.ID)+"/merge", url.Values{"into": {strconv.FormatInt(election.ID, 10)}}), path(election.ID))
		if got := tagNames(both.ID); !slices.Equal(got, []string{"Election"}) {
			t.Errorf("tags after merge %v, want [Election]", got)
		}
		if _, err := f.st.TagBySlug(ctx, "elections"); !errors.Is(err, qalam.ErrNotFound) {
			t.Errorf("merged tag: %v, want gone", err)
		}
	})

	t.Run("merge into itself is refused", func(t *testing.T) {
		resp := f.post(t, editor, path(election.ID)+"/merge", url.Values{"into": {strconv.FormatInt(election.ID, 10)}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if fieldError(f.page(t, resp), "into") == "" {
			t.Error("no message at the merge select")
		}
	})

	t.Run("rename", func(t *testing.T) {
		wantRedirect(t, f.post(t, editor, path(election.ID), url.Values{"name": {"Elections 2024"}}), path(election.ID)+"?flash=")
		got := tag("elections-2024")
		if got.ID != election.ID || got.Name != "Elections 2024" {
			t.Errorf("renamed to %+v", got)
		}
	})

	t.Run("rename to a blank name is refused", func(t *testing.T) {
		resp := f.post(t, editor, path(election.ID), url.Values{"name": {" "}, "slug": {"x"}})
		wantStatus(t, resp, http.StatusUnprocessableEntity)
		if fieldError(f.page(t, resp), "name") == "" {
			t.Error("no message at the name")
		}
	})

	t.Run("delete takes it off its articles", func(t *testing.T) {
		wantRedirect(t, f.post(t, editor, path(election.ID)+"/delete", nil), "/admin/categories?flash=")
		if got := tagNames(one.ID); !slices.Equal(got, []string{"Budget"}) {
			t.Errorf("tags after delete %v, want [Budget]", got)
		}
		if got := tagNames(both.ID); len(got) != 0 {
			t.Errorf("tags after delete %v, want none", got)
		}
	})

	t.Run("an unknown tag is not found", func(t *testing.T) {
		for _, p := range []string{"/admin/tags/999999", "/admin/tags/x"} {
			resp := f.get(t, editor, p)
			resp.Body.Close()
			wantStatus(t, resp, http.StatusNotFound)
		}
	})
}
