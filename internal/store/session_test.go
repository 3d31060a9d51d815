package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/storetest"
)

func TestStore_Sessions(t *testing.T) {
	start := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	forEachDialectAt(t, start, func(t *testing.T, st *store.Store, clock *storetest.Clock) {
		ctx := context.Background()
		user := storetest.User(t, st)
		session := func(t *testing.T, userID int64, expires time.Duration) *qalam.Session {
			t.Helper()
			return storetest.Session(t, st, userID, func(s *qalam.Session) { s.ExpiresAt = clock.Now().Add(expires) })
		}

		t.Run("created and found by token", func(t *testing.T) {
			s := &qalam.Session{UserID: user.ID, TokenHash: []byte{0, 1, 0xff}, UserAgent: "Firefox", ExpiresAt: start.Add(time.Hour)}
			if err := st.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			if s.ID == 0 || !s.CreatedAt.Equal(start) || !s.LastSeenAt.Equal(start) {
				t.Errorf("CreateSession() set %+v", s)
			}
			got, err := st.SessionByToken(ctx, []byte{0, 1, 0xff})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, s) {
				t.Errorf("SessionByToken() = %+v\nwant %+v", got, s)
			}
		})
		for _, tc := range []struct {
			name  string
			s     qalam.Session
			kind  qalam.Kind
			field string
		}{
			{"no token refused", qalam.Session{UserID: user.ID, ExpiresAt: start.Add(time.Hour)}, qalam.KindInvalid, "token"},
			{"no user refused", qalam.Session{TokenHash: []byte("t1"), ExpiresAt: start.Add(time.Hour)}, qalam.KindInvalid, "user"},
			{"no end refused", qalam.Session{UserID: user.ID, TokenHash: []byte("t2")}, qalam.KindInvalid, "expires_at"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := st.CreateSession(ctx, &tc.s)
				wantKind(t, err, tc.kind)
				wantField(t, err, tc.field)
			})
		}
		t.Run("unknown user refused", func(t *testing.T) {
			err := st.CreateSession(ctx, &qalam.Session{UserID: 1_000_000, TokenHash: []byte("t3"), ExpiresAt: start.Add(time.Hour)})
			wantKind(t, err, qalam.KindInvalid)
		})
		t.Run("same token twice is a conflict", func(t *testing.T) {
			err := st.CreateSession(ctx, &qalam.Session{UserID: user.ID, TokenHash: []byte{0, 1, 0xff}, ExpiresAt: start.Add(time.Hour)})
			wantKind(t, err, qalam.KindConflict)
		})
		t.Run("unknown token is not found", func(t *testing.T) {
			_, err := st.SessionByToken(ctx, []byte("unknown"))
			wantKind(t, err, qalam.KindNotFound)
		})

		t.Run("expired at its end, to the microsecond", func(t *testing.T) {
			s := session(t, user.ID, time.Hour)
			clock.Advance(time.Hour - time.Microsecond)
			if _, err := st.SessionByToken(ctx, s.TokenHash); err != nil {
				t.Fatalf("a microsecond before its end: %v", err)
			}
			clock.Advance(time.Microsecond)
			_, err := st.SessionByToken(ctx, s.TokenHash)
			wantKind(t, err, qalam.KindNotFound)
			list, err := st.FindSessions(ctx, user.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range list {
				if got.ID == s.ID {
					t.Error("FindSessions() lists an expired session")
				}
			}
		})
		t.Run("touched and two-factor done", func(t *testing.T) {
			s := session(t, user.ID, time.Hour)
			seen := clock.Now().Add(10 * time.Minute)
			if err := st.TouchSession(ctx, s.ID, seen); err != nil {
				t.Fatal(err)
			}
			if err := st.SetSessionTwoFactorDone(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			got, err := st.SessionByToken(ctx, s.TokenHash)
			if err != nil {
				t.Fatal(err)
			}
			want := *s
			want.LastSeenAt, want.TwoFactorDone = seen, true
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("SessionByToken() = %+v\nwant %+v", got, &want)
			}
			wantKind(t, st.TouchSession(ctx, 1_000_000, seen), qalam.KindNotFound)
			wantKind(t, st.SetSessionTwoFactorDone(ctx, 1_000_000), qalam.KindNotFound)
		})
		t.Run("deleted, twice without error", func(t *testing.T) {
			s := session(t, user.ID, time.Hour)
			for range 2 {
				if err := st.DeleteSession(ctx, s.ID); err != nil {
					t.Fatal(err)
				}
			}
			_, err := st.SessionByToken(ctx, s.TokenHash)
			wantKind(t, err, qalam.KindNotFound)
		})

		t.Run("listed newest first, ended all but one", func(t *testing.T) {
			u := storetest.User(t, st)
			other := session(t, storetest.User(t, st).ID, time.Hour)
			var want []*qalam.Session
			for range 3 {
				clock.Advance(time.Minute)
				want = append([]*qalam.Session{session(t, u.ID, 24*time.Hour)}, want...)
			}
			got, err := st.FindSessions(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("FindSessions() = %+v\nwant %+v", got, want)
			}
			keep := want[1]
			if err := st.DeleteUserSessions(ctx, u.ID, keep.ID); err != nil {
				t.Fatal(err)
			}
			if got, err := st.FindSessions(ctx, u.ID); err != nil || !reflect.DeepEqual(got, []*qalam.Session{keep}) {
				t.Errorf("FindSessions() = %+v, %v; want only %+v", got, err, keep)
			}
			if err := st.DeleteUserSessions(ctx, u.ID, 0); err != nil {
				t.Fatal(err)
			}
			if got, err := st.FindSessions(ctx, u.ID); err != nil || len(got) != 0 {
				t.Errorf("FindSessions() = %+v, %v; want none", got, err)
			}
			if _, err := st.SessionByToken(ctx, other.TokenHash); err != nil {
				t.Errorf("another user's session ended: %v", err)
			}
		})
	})
}
