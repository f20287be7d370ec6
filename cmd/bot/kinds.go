package main

import (
	"errors"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// kind is how a setting's text becomes its value. The value's Go type is
// fixed by the kind; the settings' getters (str, on, duration, perMinute,
// count, paths) say which they expect.
type kind struct {
	// want says what a value must be, units included, for the docs:
	// "a duration such as 30s".
	want string
	// parse turns a value's text, trimmed and not empty, into its value.
	// Its error says what is wrong ("not a duration such as 30s") and
	// never repeats the text, which may be a secret.
	parse func(string) (any, error)
	// list kinds take a flag more than once, each time one element.
	list bool
	// boolean kinds make flags that need no value (--extractive).
	boolean bool
	// sep joins the elements of a list given in a config file as a YAML
	// list; "" means the path list separator, ':'.
	sep string
}

// textKind is any text: a string.
func textKind(want string) kind {
	return kind{want: want, parse: func(s string) (any, error) { return s, nil }}
}

// checkedKind is text that check accepts (an adapter's own check of a
// token, id or URL): a string.
func checkedKind(want string, check func(string) error) kind {
	return kind{want: want, parse: func(s string) (any, error) {
		if err := check(s); err != nil {
			return nil, err
		}
		return s, nil
	}}
}

// boolKind is true or false (also 1/0, yes/no, on/off): a bool.
func boolKind() kind {
	return kind{want: "true or false", boolean: true, parse: func(s string) (any, error) {
		b, err := parseBool(s)
		return b, err
	}}
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on", "t":
		return true, nil
	case "false", "0", "no", "off", "f":
		return false, nil
	}
	return false, errors.New("not true or false")
}

// enumKind is one of values, in any case: the value, lower-cased.
func enumKind(values ...string) kind {
	want := "one of " + strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
	return kind{want: want, parse: func(s string) (any, error) {
		for _, v := range values {
			if strings.EqualFold(s, v) {
				return v, nil
			}
		}
		return nil, errors.New("not " + want)
	}}
}

// durationKind is a positive Go duration, such as 30s or 2m: a
// time.Duration.
func durationKind() kind {
	const want = "a positive duration such as 30s or 2m"
	return kind{want: want, parse: func(s string) (any, error) {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return nil, errors.New("not " + want)
		}
		return d, nil
	}}
}

// perMinuteKind is a rate in questions a minute, or off (also 0): a
// float64, negative for no limit (the adapters' convention).
func perMinuteKind() kind {
	const want = "a number of questions a minute, or off"
	return kind{want: want, parse: func(s string) (any, error) {
		if strings.EqualFold(s, "off") {
			return -1.0, nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 {
			return nil, errors.New("not " + want)
		}
		if f == 0 {
			return -1.0, nil
		}
		return f, nil
	}}
}

// temperatureKind is a sampling temperature above 0 and at most 2: a
// float64.
func temperatureKind() kind {
	const want = "a number above 0 and at most 2, such as 0.2"
	return kind{want: want, parse: func(s string) (any, error) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f <= 0 || f > 2 {
			return nil, errors.New("not " + want)
		}
		return f, nil
	}}
}

// countKind is a whole number of at least 1: an int.
func countKind() kind {
	const want = "a whole number of at least 1"
	return kind{want: want, parse: func(s string) (any, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return nil, errors.New("not " + want)
		}
		return n, nil
	}}
}

// pathsKind is paths separated by ':' (the flag: one path each time): a
// []string.
func pathsKind() kind {
	return kind{want: "paths separated by " + string(filepath.ListSeparator), list: true, parse: func(s string) (any, error) {
		var paths []string
		for _, p := range filepath.SplitList(s) {
			if p != "" {
				paths = append(paths, p)
			}
		}
		return paths, nil
	}}
}

// urlsKind is http or https URLs separated by spaces or commas (a URL
// holds ':', so not ':'; in a config file, a YAML list): a []string.
func urlsKind() kind {
	const want = "http or https URLs separated by spaces or commas"
	return kind{want: want, list: true, sep: " ", parse: func(s string) (any, error) {
		var urls []string
		for _, u := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
			p, err := url.Parse(u)
			if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
				return nil, errors.New("not " + want)
			}
			urls = append(urls, u)
		}
		return urls, nil
	}}
}

// prefixesKind is IP addresses or CIDR ranges separated by commas, such
// as 10.0.0.0/8,192.0.2.7: a []netip.Prefix (an address is a range of
// one).
func prefixesKind() kind {
	const want = "IP addresses or CIDR ranges separated by commas, such as 10.0.0.0/8,192.0.2.7"
	return kind{want: want, parse: func(s string) (any, error) {
		var out []netip.Prefix
		for _, f := range strings.Split(s, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if p, err := netip.ParsePrefix(f); err == nil {
				out = append(out, p.Masked())
				continue
			}
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, errors.New("not " + want)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
		return out, nil
	}}
}

// addrKind is a TCP address to listen on, such as :8080: a string.
func addrKind() kind {
	const want = "an address such as :8080 or 127.0.0.1:8080"
	return kind{want: want, parse: func(s string) (any, error) {
		_, port, err := net.SplitHostPort(s)
		if err != nil {
			return nil, errors.New("not " + want)
		}
		if _, err := net.LookupPort("tcp", port); err != nil {
			return nil, errors.New("not " + want + ": its port is not a port")
		}
		return s, nil
	}}
}

// reactionKind is a Slack emoji name, colons optional, or "-" for none:
// the name without colons.
func reactionKind() kind {
	const want = "an emoji name such as eyes, or -"
	return kind{want: want, parse: func(s string) (any, error) {
		s = strings.Trim(s, ":")
		if s == "" || strings.ContainsAny(s, " \t:") {
			return nil, errors.New("not " + want)
		}
		return s, nil
	}}
}

// showDuration writes a duration as people do: 2m rather than 2m0s.
func showDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
