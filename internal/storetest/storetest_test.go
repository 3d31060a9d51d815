package storetest_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/storetest"
)

// fakeTB records a skip or failure instead of ending the real test.
type fakeTB struct {
	testing.TB
	skipped, failed string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// postgresURL runs PostgresURL on a fakeTB, as a test would.
func postgresURL(t *testing.T) *fakeTB {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		storetest.PostgresURL(f)
	}()
	<-done
	return f
}

func TestPostgresURL_Unavailable(t *testing.T) {
	for _, tc := range []struct {
		name, url, required string
		wantSkip, wantFail  string
	}{
		{"not configured skips", "", "", "PostgreSQL not configured: set QALAM_TEST_POSTGRES_URL (CI sets it)", ""},
		{"not configured fails when required", "", "1", "", "PostgreSQL not configured"},
		{"unreachable skips", "postgres://x:y@127.0.0.1:1/none?sslmode=disable&connect_timeout=5", "", "PostgreSQL unreachable", ""},
		{"unreachable fails when required", "postgres://x:y@127.0.0.1:1/none?sslmode=disable&connect_timeout=5", "1", "", "PostgreSQL unreachable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(storetest.EnvPostgresURL, tc.url)
			t.Setenv(storetest.EnvPostgresRequired, tc.required)
			f := postgresURL(t)
			if tc.wantSkip == "" && f.skipped != "" || !strings.Contains(f.skipped, tc.wantSkip) {
				t.Errorf("skipped %q, want %q", f.skipped, tc.wantSkip)
			}
			if tc.wantFail == "" && f.failed != "" || !strings.Contains(f.failed, tc.wantFail) {
				t.Errorf("failed %q, want %q", f.failed, tc.wantFail)
			}
			if strings.Contains(f.skipped+f.failed, "y@") {
				t.Errorf("the message shows the password: %q", f.skipped+f.failed)
			}
		})
	}
}

func TestFixtures(t *testing.T) {
	st := storetest.Open(t)
	ctx := context.Background()
	a := storetest.Article(t, st, nil)
	b := storetest.Article(t, st, func(a *qalam.Article) { a.Language = qalam.Urdu })
	if a.Slug == b.Slug || a.ID == 0 || b.Language != qalam.Urdu {
		t.Errorf("articles %+v and %+v", a, b)
	}
	c := storetest.Comment(t, st, a.ID)
	got, err := st.Comment(ctx, c.ID)
	if err != nil || got.Status != qalam.Approved {
		t.Errorf("Comment() = %+v, %v", got, err)
	}
	storetest.User(t, st)
	u := storetest.UserWithRole(t, st, qalam.RoleAuthor)
	if u.Role != qalam.RoleAuthor {
		t.Errorf("UserWithRole() role = %q", u.Role)
	}
	storetest.Commenter(t, st)
	m := storetest.Media(t, st)
	if gotM, err := st.Media(ctx, m.ID); err != nil || len(gotM.Variants) != 2 {
		t.Errorf("Media() = %+v, %v", gotM, err)
	}
	s := storetest.Session(t, st, u.ID)
	if _, err := st.SessionByToken(ctx, s.TokenHash); err != nil {
		t.Errorf("SessionByToken() error = %v", err)
	}
	if c := storetest.Correction(t, st, a.ID); c.ID == 0 {
		t.Errorf("Correction() = %+v", c)
	}
}
