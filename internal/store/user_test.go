package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
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
