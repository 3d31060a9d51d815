// Package auth owns authentication: password hashing and the password policy.
package auth
