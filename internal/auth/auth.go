// Package auth owns authentication: passwords, sessions, two-factor sign-in, login throttling.
package auth
