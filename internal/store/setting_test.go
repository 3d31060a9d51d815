package store_test

import (
	"context"
	"testing"

	"github.com/qalamnews/qalam/internal/store"
)

func TestStore_Settings(t *testing.T) {
	forEachDialect(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		get := func(t *testing.T, key string) string {
			t.Helper()
			v, err := st.Setting(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		set := func(t *testing.T, key, value string) {
			t.Helper()
			if err := st.SetSetting(ctx, key, value); err != nil {
				t.Fatal(err)
			}
		}
		t.Run("unset reads as empty", func(t *testing.T) {
			if got := get(t, "site_name"); got != "" {
				t.Errorf("Setting() = %q, want empty", got)
			}
		})
		t.Run("set, replaced and kept apart", func(t *testing.T) {
			set(t, "site_name", "Qalam")
			set(t, "tagline", "خبر اور تجزیہ")
			set(t, "site_name", "قلم")
			for _, tc := range []struct{ key, want string }{{"site_name", "قلم"}, {"tagline", "خبر اور تجزیہ"}} {
				if got := get(t, tc.key); got != tc.want {
					t.Errorf("Setting(%q) = %q, want %q", tc.key, got, tc.want)
				}
			}
		})
		t.Run("set to empty", func(t *testing.T) {
			set(t, "tagline", "")
			if got := get(t, "tagline"); got != "" {
				t.Errorf("Setting() = %q, want empty", got)
			}
		})
	})
}
