package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/store"
)

// userTarget loads the staff account a /admin/users/{id} route is about;
// it is the admin's own when the IDs match.
func (a *Admin) userTarget(r *http.Request, u *qalam.User) (qalam.Target, any, error) {
	id, err := pathID(r)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	other, err := a.store.User(r.Context(), id)
	if err != nil {
		return qalam.Target{}, nil, err
	}
	return qalam.Target{Own: other.ID == u.ID}, other, nil
}

func staffPath(id int64) string { return "/admin/users/" + strconv.FormatInt(id, 10) }

func (a *Admin) listStaff(w http.ResponseWriter, r *http.Request) error {
	users, err := a.store.FindUsers(r.Context())
	if err != nil {
		return err
	}
	page := staffPage{AdminPage: a.page(r, "Staff", "users"), Users: users}
	return a.view.Render(w, http.StatusOK, "admin/staff", page)
}

// staffForm is the staff form as sent.
type staffForm struct {
	name, email  string
	role         qalam.Role
	disabled     bool
	createAuthor bool
	password     string // only when creating
}

func parseStaffForm(r *http.Request) staffForm {
	return staffForm{
		// Names are shown across the newsroom: one line, single spaces.
		name:         strings.Join(strings.Fields(r.PostForm.Get("name")), " "),
		email:        strings.TrimSpace(r.PostForm.Get("email")),
		role:         qalam.Role(r.PostForm.Get("role")),
		disabled:     r.PostForm.Get("disabled") != "",
		createAuthor: r.PostForm.Get("create_author") != "",
		password:     r.PostForm.Get("password"),
	}
}

// validate checks the account's fields as qalam.User does (the password
// is checked apart, before it is hashed).
func (f staffForm) validate() qalam.FieldErrors {
	errs := qalam.FieldErrors{}
	u := qalam.User{Name: f.name, Email: f.email, Role: f.role, PasswordHash: "unchecked here"}
	if qe, ok := errors.AsType[*qalam.Error](u.Validate()); ok {
		for k, v := range qe.Fields {
			errs[k] = v
		}
	}
	return errs
}

func (f staffForm) view(errs qalam.FieldErrors) staffFormView {
	return staffFormView{Name: f.name, Email: f.email, Role: f.role, Disabled: f.disabled, CreateAuthor: f.createAuthor, Errors: errs}
}

func (a *Admin) newStaff(w http.ResponseWriter, r *http.Request) error {
	form := staffFormView{Role: qalam.RoleAuthor, CreateAuthor: true, Errors: qalam.FieldErrors{}}
	return a.renderNewStaff(w, r, http.StatusOK, form, "")
}

func (a *Admin) renderNewStaff(w http.ResponseWriter, r *http.Request, status int, form staffFormView, msg string) error {
	page := staffEditPage{AdminPage: a.page(r, "New staff account", "users"), New: true, Action: "/admin/users/new", Form: form, Roles: qalam.Roles}
	page.Error = msg
	return a.view.Render(w, status, "admin/staff-edit", page)
}

func (a *Admin) createStaff(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	f := parseStaffForm(r)
	f.disabled = false
	errs := f.validate()
	if err := auth.ValidatePassword(f.password); err != nil {
		errs["password"] = qalam.MessageOf(err)
	}
	if len(errs) > 0 {
		return a.renderNewStaff(w, r, http.StatusUnprocessableEntity, f.view(errs), "The account was not created. Please correct the marked fields.")
	}
	hash, err := auth.HashPassword(f.password)
	if err != nil {
		return err
	}
	u := &qalam.User{Name: f.name, Email: f.email, Role: f.role, PasswordHash: hash}
	if err := a.store.CreateUser(ctx, u); err != nil {
		fields, msg, status, ok := accountFormError(err)
		if !ok {
			return err
		}
		if fields["email"] != "" {
			fields = qalam.FieldErrors{"email": "Another staff account has this email."}
		}
		return a.renderNewStaff(w, r, status, f.view(fields), "The account was not created. "+msg)
	}
	if f.createAuthor {
		if err := a.createLinkedAuthor(ctx, u); err != nil {
			return err
		}
	}
	http.Redirect(w, r, staffPath(u.ID)+"?flash=user-created", http.StatusSeeOther)
	return nil
}

// createLinkedAuthor gives a new staff member an author profile under
// their name, linked to their account so that their bylines are theirs.
// The slug comes from the name; when it is taken (two staff of one name),
// the account's ID makes it unique.
func (a *Admin) createLinkedAuthor(ctx context.Context, u *qalam.User) error {
	id := strconv.FormatInt(u.ID, 10)
	slug := qalam.Slugify(u.Name)
	if slug == "" {
		slug = "staff-" + id
	}
	au := &qalam.Author{Name: u.Name, Slug: slug, UserID: u.ID}
	err := a.store.CreateAuthor(ctx, au)
	if errors.Is(err, &qalam.Error{Kind: qalam.KindConflict}) {
		au.Slug = slug + "-" + id
		err = a.store.CreateAuthor(ctx, au)
	}
	return err
}

func (a *Admin) showStaff(w http.ResponseWriter, r *http.Request) error {
	other := object[*qalam.User](r)
	form := staffFormView{Name: other.Name, Email: other.Email, Role: other.Role, Disabled: other.Disabled, Errors: qalam.FieldErrors{}}
	return a.renderStaff(w, r, http.StatusOK, other, form, "")
}

// renderStaff shows a staff account's page: the form and what can be done
// about the account's sign-in.
func (a *Admin) renderStaff(w http.ResponseWriter, r *http.Request, status int, other *qalam.User, form staffFormView, msg string) error {
	ctx := r.Context()
	me, _ := userFrom(ctx)
	sessions, err := a.store.FindSessions(ctx, other.ID)
	if err != nil {
		return err
	}
	profile, err := a.store.AuthorByUser(ctx, other.ID)
	if errors.Is(err, qalam.ErrNotFound) {
		profile, err = nil, nil
	}
	if err != nil {
		return err
	}
	page := staffEditPage{
		AdminPage: a.page(r, other.Name, "users"),
		Action:    staffPath(other.ID),
		Form:      form,
		Roles:     qalam.Roles,
		ID:        other.ID,
		Self:      other.ID == me.ID,
		TwoFactor: other.TwoFactor(),
		Sessions:  sessions,
		Author:    profile,
	}
	page.Error = msg
	return a.view.Render(w, status, "admin/staff-edit", page)
}

func (a *Admin) updateStaff(w http.ResponseWriter, r *http.Request) error {
	if err := readAccountForm(w, r); err != nil {
		return err
	}
	ctx := r.Context()
	me, _ := userFrom(ctx)
	other := object[*qalam.User](r)
	f := parseStaffForm(r)
	f.createAuthor = false
	errs := f.validate()
	if other.ID == me.ID {
		// The newsroom must keep an admin who can sign in; an admin who
		// wants to step down asks another admin.
		if f.role != qalam.RoleAdmin {
			errs["role"] = "You cannot change your own role. Ask another admin."
		}
		if f.disabled {
			errs["disabled"] = "You cannot disable your own account. Ask another admin."
		}
	}
	if len(errs) > 0 {
		return a.renderStaff(w, r, http.StatusUnprocessableEntity, other, f.view(errs), "Nothing was saved. Please correct the marked fields.")
	}
	_, err := a.store.UpdateUser(ctx, other.ID, store.UserUpdate{Name: &f.name, Email: &f.email, Role: &f.role, Disabled: &f.disabled})
	if err != nil {
		fields, msg, status, ok := accountFormError(err)
		if !ok {
			return err
		}
		if fields["email"] != "" {
			fields = qalam.FieldErrors{"email": "Another staff account has this email."}
		}
		return a.renderStaff(w, r, status, other, f.view(fields), "Nothing was saved. "+msg)
	}
	if f.disabled {
		// A disabled account is refused at every request already; ending
		// its sessions also removes them from the list.
		if err := a.store.DeleteUserSessions(ctx, other.ID, 0); err != nil {
			return err
		}
	}
	http.Redirect(w, r, staffPath(other.ID)+"?flash=saved", http.StatusSeeOther)
	return nil
}

// keepOwn is the session to spare when ending a user's sessions: the
// current one, when an admin acts on their own account.
func keepOwn(ctx context.Context, other *qalam.User) int64 {
	me, sess := userFrom(ctx)
	if me != nil && sess != nil && me.ID == other.ID {
		return sess.ID
	}
	return 0
}

func (a *Admin) endStaffSessions(w http.ResponseWriter, r *http.Request) error {
	other := object[*qalam.User](r)
	if err := a.store.DeleteUserSessions(r.Context(), other.ID, keepOwn(r.Context(), other)); err != nil {
		return err
	}
	http.Redirect(w, r, staffPath(other.ID)+"?flash=sessions-ended", http.StatusSeeOther)
	return nil
}

// resetStaffTwoFactor turns off a staff member's two-factor sign-in, for a
// lost phone. Their sessions end too: the lost phone may be signed in.
func (a *Admin) resetStaffTwoFactor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	other := object[*qalam.User](r)
	none := ""
	if _, err := a.store.UpdateUser(ctx, other.ID, store.UserUpdate{TOTPSecret: &none}); err != nil {
		return err
	}
	if err := a.store.DeleteUserSessions(ctx, other.ID, keepOwn(ctx, other)); err != nil {
		return err
	}
	http.Redirect(w, r, staffPath(other.ID)+"?flash=two-factor-reset", http.StatusSeeOther)
	return nil
}
