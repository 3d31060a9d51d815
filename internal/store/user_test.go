package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_Users(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := &qalam.User{Email: "Sana.Khan@Example.PK", Name: "Sana Khan", Role: qalam.RoleEditor, PasswordHash: "$argon2id$x"}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		t.Run("email stored lower-cased", func(t *testing.T) {
			if got, want := u.Email, "sana.khan@example.pk"; got != want {
				t.Errorf("Email = %q, want %q", got, want)
			}
		})
		t.Run("found by email in any case", func(t *testing.T) {
			for _, email := range []string{"sana.khan@example.pk", "SANA.KHAN@EXAMPLE.PK"} {
				got, err := st.UserByEmail(ctx, email)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, u) {
					t.Errorf("UserByEmail(%q) = %+v, want %+v", email, got, u)
				}
			}
		})
		t.Run("found by id", func(t *testing.T) {
			got, err := st.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, u) {
				t.Errorf("User() = %+v, want %+v", got, u)
			}
		})
		t.Run("same email in another case is a conflict", func(t *testing.T) {
			err := st.CreateUser(ctx, &qalam.User{Email: "SANA.khan@example.pk", Name: "Impostor", Role: qalam.RoleAdmin, PasswordHash: "x"})
			wantKind(t, err, qalam.KindConflict)
			wantField(t, err, "email")
		})
		t.Run("invalid refused", func(t *testing.T) {
			err := st.CreateUser(ctx, &qalam.User{Email: "not an email", Name: "X", Role: "king", PasswordHash: "x"})
			wantKind(t, err, qalam.KindInvalid)
			wantField(t, err, "role")
		})
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.UserByEmail(ctx, "nobody@example.com")
			wantKind(t, err, qalam.KindNotFound)
			_, err = st.User(ctx, 1_000_000)
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_Commenters(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		hash := []byte{0, 1, 2, 0xfe, 0xff}
		c, err := st.CreateCommenter(ctx, hash)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("created untrusted", func(t *testing.T) {
			if c.ID == 0 || c.Trusted || c.CreatedAt.IsZero() {
				t.Errorf("CreateCommenter() = %+v", c)
			}
		})
		t.Run("found by token hash", func(t *testing.T) {
			got, err := st.CommenterByToken(ctx, hash)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c) {
				t.Errorf("CommenterByToken() = %+v, want %+v", got, c)
			}
		})
		t.Run("unknown token is not found", func(t *testing.T) {
			_, err := st.CommenterByToken(ctx, []byte("other"))
			wantKind(t, err, qalam.KindNotFound)
		})
		t.Run("same token twice is a conflict", func(t *testing.T) {
			_, err := st.CreateCommenter(ctx, hash)
			wantKind(t, err, qalam.KindConflict)
		})
		t.Run("empty token refused", func(t *testing.T) {
			_, err := st.CreateCommenter(ctx, nil)
			wantKind(t, err, qalam.KindInvalid)
		})
	})
}

func TestStore_UpdateUser(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("set fields changed, nil fields kept, email lower-cased", func(t *testing.T) {
			u := storetest.User(t, st)
			got, err := st.UpdateUser(ctx, u.ID, store.UserUpdate{
				Name:       ptr("Sana"),
				Email:      ptr("Sana@Example.PK"),
				TOTPSecret: ptr("JBSWY3DPEHPK3PXP"),
				Role:       ptr(qalam.RoleAdmin),
			})
			if err != nil {
				t.Fatal(err)
			}
			want := *u
			want.Name, want.Email, want.TOTPSecret, want.Role = "Sana", "sana@example.pk", "JBSWY3DPEHPK3PXP", qalam.RoleAdmin
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("UpdateUser() = %+v\nwant %+v", got, &want)
			}
			stored, err := st.UserByEmail(ctx, "SANA@example.pk")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stored, got) || !stored.TwoFactor() {
				t.Errorf("stored %+v\nreturned %+v", stored, got)
			}
		})
		t.Run("password changed, two-factor turned off", func(t *testing.T) {
			u := storetest.User(t, st, func(u *qalam.User) { u.TOTPSecret = "SECRET" })
			got, err := st.UpdateUser(ctx, u.ID, store.UserUpdate{PasswordHash: ptr("$argon2id$new"), TOTPSecret: ptr("")})
			if err != nil {
				t.Fatal(err)
			}
			if got.PasswordHash != "$argon2id$new" || got.TwoFactor() {
				t.Errorf("UpdateUser() = %+v", got)
			}
		})
		t.Run("disabling ends the sessions", func(t *testing.T) {
			u := storetest.User(t, st)
			other := storetest.User(t, st)
			s := storetest.Session(t, st, u.ID)
			kept := storetest.Session(t, st, other.ID)
			got, err := st.UpdateUser(ctx, u.ID, store.UserUpdate{Disabled: ptr(true)})
			if err != nil {
				t.Fatal(err)
			}
			if !got.Disabled {
				t.Error("Disabled = false")
			}
			stored, err := st.User(ctx, u.ID)
			if err != nil || !stored.Disabled {
				t.Errorf("User() = %+v, %v; want disabled", stored, err)
			}
			_, err = st.SessionByToken(ctx, s.TokenHash)
			wantKind(t, err, qalam.KindNotFound)
			if _, err := st.SessionByToken(ctx, kept.TokenHash); err != nil {
				t.Errorf("another user's session ended: %v", err)
			}
			t.Run("and enabling again", func(t *testing.T) {
				got, err := st.UpdateUser(ctx, u.ID, store.UserUpdate{Disabled: ptr(false)})
				if err != nil || got.Disabled {
					t.Errorf("UpdateUser() = %+v, %v", got, err)
				}
			})
		})
		taken := storetest.User(t, st)
		for _, tc := range []struct {
			name  string
			u     store.UserUpdate
			kind  qalam.Kind
			field string
		}{
			{"email in use in another case is a conflict", store.UserUpdate{Email: ptr(strings.ToUpper(taken.Email))}, qalam.KindConflict, "email"},
			{"bad email refused", store.UserUpdate{Email: ptr("nobody")}, qalam.KindInvalid, "email"},
			{"unknown role refused", store.UserUpdate{Role: ptr(qalam.Role("owner"))}, qalam.KindInvalid, "role"},
			{"blank name refused", store.UserUpdate{Name: ptr("")}, qalam.KindInvalid, "name"},
			{"no password refused", store.UserUpdate{PasswordHash: ptr("")}, qalam.KindInvalid, "password"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				u := storetest.User(t, st)
				_, err := st.UpdateUser(ctx, u.ID, tc.u)
				wantKind(t, err, tc.kind)
				wantField(t, err, tc.field)
				stored, err := st.User(ctx, u.ID)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(stored, u) {
					t.Errorf("stored %+v, want it unchanged %+v", stored, u)
				}
			})
		}
		t.Run("keeping its own email is no conflict", func(t *testing.T) {
			u := storetest.User(t, st)
			if _, err := st.UpdateUser(ctx, u.ID, store.UserUpdate{Email: ptr(strings.ToUpper(u.Email))}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("unknown is not found", func(t *testing.T) {
			_, err := st.UpdateUser(ctx, 1_000_000, store.UserUpdate{Name: ptr("x")})
			wantKind(t, err, qalam.KindNotFound)
		})
	})
}

func TestStore_FindUsers(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("empty", func(t *testing.T) {
			got, err := st.FindUsers(ctx)
			if err != nil || got == nil || len(got) != 0 {
				t.Fatalf("FindUsers() = %v, %v; want empty", got, err)
			}
		})
		t.Run("by name, loaded whole", func(t *testing.T) {
			var want []*qalam.User
			for _, name := range []string{"zara", "bilal", "maryam"} {
				want = append(want, storetest.User(t, st, func(u *qalam.User) { u.Name, u.TOTPSecret, u.Disabled = name, "S-"+name, name == "bilal" }))
			}
			want = []*qalam.User{want[1], want[2], want[0]}
			got, err := st.FindUsers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("FindUsers() = %+v\nwant %+v", got, want)
			}
		})
	})
}

func TestStore_UseTOTPStep(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		u := &qalam.User{Email: "totp@example.org", Name: "Totp User", Role: qalam.RoleEditor, PasswordHash: "$argon2id$x"}
		if err := st.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name string
			step int64
			want bool
		}{
			{"first use of a step", 1000, true},
			{"the same step again", 1000, false},
			{"an earlier step", 999, false},
			{"a later step", 1001, true},
		}
		for _, s := range steps {
			got, err := st.UseTOTPStep(ctx, u.ID, s.step)
			if err != nil {
				t.Fatal(err)
			}
			if got != s.want {
				t.Errorf("%s: UseTOTPStep(%d) = %v, want %v", s.name, s.step, got, s.want)
			}
		}
	})
}
