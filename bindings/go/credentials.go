package hazy

/*
#include "hazy.h"
*/
import "C"

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
)

// Credentials are what Client.Authenticate presents to Keycloak: ClientCredentials,
// Password or BearerToken. Their secrets never appear when they are printed with fmt (any
// verb, including %v, %+v and %#v) or logged with log/slog.
type Credentials interface {
	authenticate(ctx context.Context, c *Client) error
}

const redacted = "[REDACTED]"

// hide shows whether a secret is set without showing it.
func hide(secret string) string {
	if secret == "" {
		return `""`
	}
	return redacted
}

// formatRedacted implements fmt.Formatter for the credential types: %#v gives the Go
// syntax form, every other verb the plain form (quoted for %q). Both hide the secrets.
func formatRedacted(f fmt.State, verb rune, plain, goSyntax string) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, goSyntax)
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(plain))
	default:
		fmt.Fprint(f, plain)
	}
}

// ClientCredentials authenticates with the OAuth client_credentials grant: a Keycloak
// client id and its secret (the "API key" of Hazy's Python SDK).
type ClientCredentials struct {
	ID     string
	Secret string
}

// cArgs copies the string arguments of one call into C memory: the first that cannot be
// copied (a NUL byte) sets err, and release frees them all, wiping the secrets first.
type cArgs struct {
	op   string
	err  error
	made []*C.char
	wipe []bool
}

func (a *cArgs) add(what, s string, secret bool) *C.char {
	if a.err != nil {
		return nil
	}
	p, err := cString(a.op, what, s)
	if err != nil {
		a.err = err
		return nil
	}
	a.made, a.wipe = append(a.made, p), append(a.wipe, secret)
	return p
}

func (a *cArgs) release() {
	for i, p := range a.made {
		if a.wipe[i] {
			freeSecret(p)
		} else {
			freeCString(p)
		}
	}
}

func (cc ClientCredentials) authenticate(ctx context.Context, c *Client) error {
	const op = "authenticate"
	args := cArgs{op: op}
	defer args.release()
	id := args.add("client ID", cc.ID, false)
	secret := args.add("client secret", cc.Secret, true)
	if args.err != nil {
		return args.err
	}
	return c.call(ctx, op, func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_authenticate_client_credentials(p, id, secret, e)
	})
}

// String returns the credentials with the secret redacted.
func (cc ClientCredentials) String() string {
	return fmt.Sprintf("ClientCredentials{ID:%q Secret:%s}", cc.ID, hide(cc.Secret))
}

// GoString returns the credentials in Go syntax with the secret redacted.
func (cc ClientCredentials) GoString() string {
	return fmt.Sprintf("hazy.ClientCredentials{ID:%q, Secret:%q}", cc.ID, hide(cc.Secret))
}

// Format implements fmt.Formatter so that no verb prints the secret.
func (cc ClientCredentials) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, cc.String(), cc.GoString())
}

// LogValue implements slog.LogValuer so that structured logs hide the secret.
func (cc ClientCredentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", cc.ID), slog.String("secret", hide(cc.Secret)))
}

// Password authenticates a user with the OAuth password grant through a Keycloak client.
// ClientSecret may be empty for a public client. The client's audience option
// (WithAudience), when set, is sent too; refresh tokens are used automatically.
type Password struct {
	ClientID     string
	ClientSecret string
	Username     string
	Password     string
}

func (pw Password) authenticate(ctx context.Context, c *Client) error {
	const op = "authenticate"
	args := cArgs{op: op}
	defer args.release()
	id := args.add("client ID", pw.ClientID, false)
	var secret *C.char // NULL for a public client
	if pw.ClientSecret != "" {
		secret = args.add("client secret", pw.ClientSecret, true)
	}
	user := args.add("username", pw.Username, false)
	pass := args.add("password", pw.Password, true)
	if args.err != nil {
		return args.err
	}
	return c.call(ctx, op, func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_authenticate_password(p, id, secret, user, pass, e)
	})
}

// String returns the credentials with the client secret and password redacted.
func (pw Password) String() string {
	return fmt.Sprintf("Password{ClientID:%q ClientSecret:%s Username:%q Password:%s}",
		pw.ClientID, hide(pw.ClientSecret), pw.Username, hide(pw.Password))
}

// GoString returns the credentials in Go syntax with the secrets redacted.
func (pw Password) GoString() string {
	return fmt.Sprintf("hazy.Password{ClientID:%q, ClientSecret:%q, Username:%q, Password:%q}",
		pw.ClientID, hide(pw.ClientSecret), pw.Username, hide(pw.Password))
}

// Format implements fmt.Formatter so that no verb prints a secret.
func (pw Password) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, pw.String(), pw.GoString())
}

// LogValue implements slog.LogValuer so that structured logs hide the secrets.
func (pw Password) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", pw.ClientID),
		slog.String("client_secret", hide(pw.ClientSecret)),
		slog.String("username", pw.Username), slog.String("password", hide(pw.Password)))
}

// BearerToken uses an access token obtained elsewhere. Nothing is sent when it is set; the
// token cannot be renewed, so once the Hub rejects it calls fail with ErrAuth.
type BearerToken string

func (bt BearerToken) authenticate(ctx context.Context, c *Client) error {
	const op = "authenticate"
	token, err := cString(op, "bearer token", string(bt))
	if err != nil {
		return err
	}
	defer freeSecret(token)
	return c.call(ctx, op, func(p *C.hazy_client_t, e **C.hazy_error_t) C.hazy_status {
		return C.hazy_authenticate_bearer(p, token, e)
	})
}

// String returns a redacted form of the token.
func (bt BearerToken) String() string { return "BearerToken(" + hide(string(bt)) + ")" }

// GoString returns a redacted form of the token in Go syntax.
func (bt BearerToken) GoString() string {
	return "hazy.BearerToken(" + strconv.Quote(hide(string(bt))) + ")"
}

// Format implements fmt.Formatter so that no verb prints the token.
func (bt BearerToken) Format(f fmt.State, verb rune) {
	formatRedacted(f, verb, bt.String(), bt.GoString())
}

// LogValue implements slog.LogValuer so that structured logs hide the token.
func (bt BearerToken) LogValue() slog.Value { return slog.StringValue(bt.String()) }
