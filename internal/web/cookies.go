package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Cookie names. None is needed to read the site; each is set only by an
// action of the reader's (posting a comment, ticking "save my name").
const (
	commenterCookie = "qalam_commenter" // the commenter token: trust, once earned
	heldCookie      = "qalam_held"      // the reader's own comments awaiting moderation
	rememberCookie  = "qalam_remember"  // name, email, website, when the reader asked
	recentCookie    = "qalam_recent"    // readable by scripts: this browser posted lately
)

// keys are purpose-specific keys derived from the site secret, so a value
// signed for one purpose can never pass for another.
type keys struct {
	held      []byte
	rateLimit []byte // emails in the rate-limit table
}

func deriveKeys(secret []byte) keys {
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("qalam/" + purpose))
		return m.Sum(nil)
	}
	return keys{held: derive("held-comments"), rateLimit: derive("ip-hash")}
}

func sign(key []byte, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// randomToken returns 32 random bytes, URL-safe encoded.
func randomToken() string {
	return rand.Text() + rand.Text()
}

// tokenHash is what the database stores of a commenter token: a leaked
// database does not hand out anyone's trust.
func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func (s *Site) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		MaxAge:   int(maxAge / time.Second),
		HttpOnly: true,
		Secure:   s.opts.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Site) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// heldIDs reads the signed list of the reader's held comments.
func (s *Site) heldIDs(r *http.Request) []int64 {
	c, err := r.Cookie(heldCookie)
	if err != nil {
		return nil
	}
	list, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(sign(s.keys.held, list))) {
		return nil
	}
	var ids []int64
	for f := range strings.SplitSeq(list, "-") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

// maxHeld bounds the held-comments cookie; the oldest IDs fall off.
const maxHeld = 20

// addHeld signs the reader's held comments, this one included, into a
// cookie that shows them to this browser alone until they are approved.
func (s *Site) addHeld(w http.ResponseWriter, r *http.Request, id int64) {
	ids := s.heldIDs(r)
	for _, old := range ids {
		if old == id {
			return
		}
	}
	ids = append(ids, id)
	if len(ids) > maxHeld {
		ids = ids[len(ids)-maxHeld:]
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	list := strings.Join(parts, "-")
	s.setCookie(w, heldCookie, list+"."+sign(s.keys.held, list), 7*24*time.Hour)
}

// remembered is what "save my name and email in this browser" keeps.
type remembered struct {
	Name  string `json:"n"`
	Email string `json:"e"`
	URL   string `json:"u,omitempty"`
}

func readRemembered(r *http.Request) (remembered, bool) {
	var rem remembered
	c, err := r.Cookie(rememberCookie)
	if err != nil {
		return rem, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || json.Unmarshal(raw, &rem) != nil {
		return rem, false
	}
	return rem, true
}

func (s *Site) writeRemembered(w http.ResponseWriter, rem remembered) {
	raw, _ := json.Marshal(rem) // a struct of strings always marshals
	s.setCookie(w, rememberCookie, base64.RawURLEncoding.EncodeToString(raw), 365*24*time.Hour)
}
