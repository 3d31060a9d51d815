package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/auth"
	"github.com/qalamnews/qalam/internal/store"
)

const userUsage = `Usage:
  qalam user add -email ADDRESS -name NAME [-role admin|editor|author|moderator]
  qalam user reset-password -email ADDRESS
`

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "reset-password" {
		return runResetPassword(ctx, args[1:], getenv, stdin, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, userUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	var email, name, role string
	cfg, _, err := parseConfig("user add", "Creates a staff account. The password is asked for on the terminal, or read from the first line of standard input when that is not a terminal.", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the staff member's email address, used to sign in")
		fs.StringVar(&name, "name", "", "the staff member's name")
		fs.StringVar(&role, "role", string(qalam.RoleAdmin), "admin, editor, author or moderator")
	})
	if err != nil {
		return err
	}
	u := &qalam.User{Email: strings.TrimSpace(email), Name: strings.TrimSpace(name), Role: qalam.Role(role), PasswordHash: "pending"}
	if err := u.Validate(); err != nil {
		return describe(err)
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := auth.ValidatePassword(password); err != nil {
		return describe(err)
	}
	if u.PasswordHash, err = auth.HashPassword(password); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.CreateUser(ctx, u); err != nil {
		if errors.Is(err, qalam.ErrConflict) {
			return fmt.Errorf("a user with the email %s already exists", u.Email)
		}
		return describe(err)
	}
	fmt.Fprintf(stdout, "Created %s %s <%s>.\n", u.Role, u.Name, u.Email)
	return nil
}

// runResetPassword sets a new password for a staff member who lost theirs
// (or the only admin) and ends all their sessions.
func runResetPassword(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	var email string
	cfg, _, err := parseConfig("user reset-password", "Sets a new password for a staff account and signs it out everywhere. The password is asked for on the terminal, or read from the first line of standard input.", args, getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "the staff member's email address")
	})
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, strings.TrimSpace(email))
	if errors.Is(err, qalam.ErrNotFound) {
		return fmt.Errorf("no staff account has the email %q", email)
	}
	if err != nil {
		return err
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if err := auth.ValidatePassword(password); err != nil {
		return describe(err)
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	if _, err := st.UpdateUser(ctx, u.ID, store.UserUpdate{PasswordHash: &hash}); err != nil {
		return describe(err)
	}
	if err := st.DeleteUserSessions(ctx, u.ID, 0); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "New password set for %s <%s>; their sessions have ended.\n", u.Name, u.Email)
	return nil
}

// readPassword asks twice on a terminal, or reads one line from a pipe.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password (12 to 128 characters): ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Same password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

// describe turns a validation error into one line per field.
func describe(err error) error {
	var qe *qalam.Error
	if !errors.As(err, &qe) || len(qe.Fields) == 0 {
		return err
	}
	var b strings.Builder
	b.WriteString(qe.Message)
	for field, msg := range qe.Fields {
		fmt.Fprintf(&b, "\n  %s: %s", field, msg)
	}
	return errors.New(b.String())
}

// ensureDataDir creates the data folder when the database lives in it.
func ensureDataDir(databaseURL, dir string) error {
	if databaseURL != "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data folder: %w", err)
	}
	return nil
}
