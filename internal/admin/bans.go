package admin

import (
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
)

// banRoutes: banning commenters, from the queue (one comment or a
// selection) or by hand, and lifting bans. A banned commenter's new
// comments are kept as spam and they are answered as if held, so they
// are not told (package moderation's Screen).
func (a *Admin) banRoutes() []route {
	return []route{
		{method: "GET", pattern: "/admin/bans", action: qalam.ActBanCommenter, handle: a.showBans},
		{method: "POST", pattern: "/admin/bans", action: qalam.ActBanCommenter, handle: a.createBan},
		{method: "POST", pattern: "/admin/bans/{id}/lift", action: qalam.ActBanCommenter, handle: a.liftBan},
		{method: "POST", pattern: "/admin/comments/ban", action: qalam.ActBanCommenter, handle: a.banBulk},
		{method: "POST", pattern: "/admin/comments/{id}/ban", action: qalam.ActBanCommenter, target: a.commentTarget, handle: a.banOne},
	}
}

// banDurations are the lengths a ban may have, as the forms offer them.
var banDurations = [...]struct {
	value, label string
	d            time.Duration // 0: for good
}{
	{"1d", "1 day", 24 * time.Hour},
	{"7d", "7 days", 7 * 24 * time.Hour},
	{"30d", "30 days", 30 * 24 * time.Hour},
	{"forever", "For good", 0},
}

// defaultBanFor is the length a form offers first.
const defaultBanFor = "7d"

// banDuration reads a ban length; ok is false for an unknown one.
func banDuration(v string) (d time.Duration, ok bool) {
	for _, b := range banDurations {
		if b.value == v {
			return b.d, true
		}
	}
	return 0, false
}

// bansPerPage is how many bans a page lists.
const bansPerPage = 50

func (a *Admin) showBans(w http.ResponseWriter, r *http.Request) error {
	return a.renderBans(w, r, http.StatusOK, banForm{For: defaultBanFor})
}

// renderBans lists the bans (active ones, or all with ?ended=1) with the
// form to ban by hand, as typed when it comes back.
func (a *Admin) renderBans(w http.ResponseWriter, r *http.Request, status int, f banForm) error {
	ctx := r.Context()
	u, _ := userFrom(ctx)
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	pageNum = max(pageNum, 1)
	ended := q.Get("ended") == "1"
	list, total, err := a.store.FindBans(ctx, store.BanFilter{Ended: ended, Limit: bansPerPage, Offset: (pageNum - 1) * bansPerPage})
	if err != nil {
		return err
	}
	page := bansPage{
		AdminPage:  a.page(r, "Banned commenters", "comments"),
		Ended:      ended,
		Total:      total,
		PageNum:    pageNum,
		Pages:      (total + bansPerPage - 1) / bansPerPage,
		ShowEmail:  u != nil && u.Role == qalam.RoleAdmin,
		CanAddress: a.opts.AddressHash != nil,
		Form:       f,
	}
	if len(f.Errors) > 0 {
		page.Error = "Nobody was banned. Please correct the marked fields."
	}
	now := a.now()
	for _, b := range list {
		row := banRow{ID: b.ID, Name: b.Name, CommentID: b.CommentID, CommentName: b.CommentName, Reason: b.Reason,
			By: b.UserName, CreatedAt: b.CreatedAt, ExpiresAt: b.ExpiresAt, LiftedAt: b.LiftedAt, Active: b.Active(now)}
		if b.Email != "" {
			row.On = append(row.On, "email")
			if page.ShowEmail {
				row.Email = b.Email
			}
		}
		if b.Name != "" {
			row.On = append(row.On, "name")
		}
		if b.CommenterID != 0 {
			row.On = append(row.On, "browser")
		}
		if b.IPHash != "" {
			row.On = append(row.On, "address")
		}
		page.Rows = append(page.Rows, row)
	}
	link := func(n int) string {
		v := url.Values{"page": {strconv.Itoa(n)}}
		if ended {
			v.Set("ended", "1")
		}
		return "/admin/bans?" + v.Encode()
	}
	if pageNum > 1 {
		page.Prev = link(pageNum - 1)
	}
	if pageNum < page.Pages {
		page.Next = link(pageNum + 1)
	}
	return a.view.Render(w, status, "admin/bans", page)
}

// createBan bans by hand: an email address, a name (matched folded, so
// its Urdu and Arabic spellings alike) or a network address (kept only as
// its keyed hash, which matches until the hashing key rotates).
func (a *Admin) createBan(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	v := r.PostForm
	f := banForm{Email: strings.TrimSpace(v.Get("email")), Name: strings.TrimSpace(v.Get("name")),
		Address: strings.TrimSpace(v.Get("address")), For: v.Get("for"), Reason: strings.TrimSpace(v.Get("reason")),
		Errors: qalam.FieldErrors{}}
	d, ok := banDuration(f.For)
	if !ok {
		f.Errors["for"] = "Choose how long the ban lasts."
	}
	if f.Email != "" && !qalam.ValidEmail(f.Email) {
		f.Errors["email"] = "Enter an email address such as name@example.com."
	}
	b := &store.Ban{Email: f.Email, Name: f.Name, Reason: f.Reason}
	if f.Address != "" {
		addr, err := netip.ParseAddr(f.Address)
		switch {
		case a.opts.AddressHash == nil:
			f.Errors["address"] = "This site cannot ban an address by hand."
		case err != nil:
			f.Errors["address"] = "Enter an address such as 203.0.113.7 or 2001:db8::1."
		default:
			b.IPHash = a.opts.AddressHash(addr)
		}
	}
	if f.Email == "" && f.Name == "" && f.Address == "" {
		f.Errors["email"] = "Enter an email address, a name or an address to ban."
	}
	checkBanReason(f.Reason, f.Errors)
	if len(f.Errors) > 0 {
		return a.renderBans(w, r, http.StatusUnprocessableEntity, f)
	}
	u, _ := userFrom(r.Context())
	b.UserID = u.ID
	if err := a.store.CreateBan(r.Context(), b, d); err != nil {
		if addFields(f.Errors, err) {
			return a.renderBans(w, r, statusOf[qalam.KindOf(err)], f)
		}
		return err
	}
	return seeOther(w, r, "/admin/bans?flash=commenters-banned")
}

// checkBanReason records at "reason" what is wrong with a ban's reason:
// a ban says why, for whoever lifts it later.
func checkBanReason(reason string, errs qalam.FieldErrors) {
	switch {
	case reason == "":
		errs["reason"] = "Say why: the reason is kept with the ban and in the audit log."
	case utf8.RuneCountInString(reason) > maxReason:
		errs["reason"] = "Too long: at most " + strconv.Itoa(maxReason) + " characters."
	}
}

func (a *Admin) liftBan(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if utf8.RuneCountInString(reason) > maxReason {
		return qalam.Errorf(qalam.KindInvalid, "The reason is too long: at most %d characters.", maxReason)
	}
	u, _ := userFrom(r.Context())
	if _, err := a.store.LiftBan(r.Context(), id, u.ID, reason); err != nil {
		return err
	}
	return seeOther(w, r, "/admin/bans?flash=ban-lifted")
}

// banOne bans the author of one comment, from its row in the queue.
func (a *Admin) banOne(w http.ResponseWriter, r *http.Request) error {
	c := object[*qalam.Comment](r)
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := readModerationForm(r)
	d, ok := banDuration(r.PostForm.Get("ban_for"))
	if msg := banMessage(f.reason, ok); msg != "" {
		return a.renderQueue(w, r, http.StatusUnprocessableEntity, f.tab, f.pageNum,
			queueInput{message: msg, rowID: c.ID, reason: f.reason})
	}
	return a.ban(w, r, []int64{c.ID}, d, f)
}

// banBulk bans the authors of the comments selected in the queue.
func (a *Admin) banBulk(w http.ResponseWriter, r *http.Request) error {
	if err := parseTextForm(w, r); err != nil {
		return err
	}
	f := readModerationForm(r)
	d, ok := banDuration(r.PostForm.Get("ban_for"))
	ids, msg := selectedIDs(r)
	if msg == "" {
		msg = banMessage(f.reason, ok)
	}
	if msg != "" {
		return a.renderQueue(w, r, http.StatusUnprocessableEntity, f.tab, f.pageNum,
			queueInput{message: msg, bulkReason: f.reason})
	}
	return a.ban(w, r, ids, d, f)
}

// banMessage says what is wrong with a ban from the queue, or "".
func banMessage(reason string, durationOK bool) string {
	if !durationOK {
		return "Choose how long the ban lasts."
	}
	errs := qalam.FieldErrors{}
	checkBanReason(reason, errs)
	return errs["reason"]
}

// selectedIDs reads the queue's selection, or says what is wrong with it.
func selectedIDs(r *http.Request) ([]int64, string) {
	raw := append(r.PostForm["ids"], r.PostForm["ids[]"]...)
	switch {
	case len(raw) == 0:
		return nil, "Select at least one comment, then choose an action."
	case len(raw) > maxBulk:
		return nil, "Select at most " + strconv.Itoa(maxBulk) + " comments at a time."
	}
	ids := make([]int64, 0, len(raw))
	for _, s := range raw {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return nil, "The selection could not be read. Reload the page and try again."
		}
		ids = append(ids, id)
	}
	return ids, ""
}

// ban bans the authors of the comments and goes back to the queue's tab
// and page.
func (a *Admin) ban(w http.ResponseWriter, r *http.Request, ids []int64, d time.Duration, f moderationForm) error {
	u, _ := userFrom(r.Context())
	bans, err := a.store.BanCommenters(r.Context(), ids, d, u.ID, f.reason)
	if err != nil {
		return err
	}
	flash := "nobody-banned"
	if len(bans) > 0 {
		flash = "commenters-banned"
	}
	return seeOther(w, r, queueURL(f.tab, f.pageNum, flash))
}
