package discord

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// The checks below say whether a value can be the Config field they name.
// New applies them; a program that reads its settings from somewhere (bot
// reads environment variables and a config file) applies them too, to name
// the setting that is wrong before anything starts. Their errors never
// repeat the value, which may be a secret: they say what is wrong, for the
// caller to say where the value came from.

// CheckToken reports whether s can be Config.Token: a bot token, with or
// without its "Bot " prefix, and no other white space (a token pasted with
// a line break or a note).
func CheckToken(s string) error {
	if strings.ContainsAny(strings.TrimPrefix(s, "Bot "), " \t\r\n") {
		return errors.New("a token with white space in it: set it to the token alone")
	}
	return nil
}

// CheckID reports whether s can be Config.AppID or Config.GuildID: a
// Discord id (a "snowflake"), up to 20 digits. Right-click the server or
// application with Developer Mode on, Copy ID.
func CheckID(s string) error {
	if len(s) == 0 || len(s) > 20 || strings.Trim(s, "0123456789") != "" {
		return errors.New("not a Discord id (digits only; with Developer Mode on, right-click the server, Copy Server ID)")
	}
	return nil
}

// CheckPublicKey reports whether s can be Config.PublicKey: the
// application's Ed25519 public key, 64 hex digits (General Information
// page).
func CheckPublicKey(s string) error {
	_, err := parsePublicKey(s)
	return err
}

// CheckAPIURL reports whether s can be Config.APIURL: an http or https
// URL with a host.
func CheckAPIURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an http or https URL such as http://127.0.0.1:8081")
	}
	return nil
}

func parsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("not a public key: it should be 64 hex digits")
	}
	if len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("not a public key: %d bytes, want %d (64 hex digits)", len(b), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}
