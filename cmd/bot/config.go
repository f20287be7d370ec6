package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"go.yaml.in/yaml/v3"
)

// source is where a setting's value came from. Flags win over the
// environment, the environment over the config file, and the file over
// the default.
type source int

const (
	unset source = iota
	fromDefault
	fromFile
	fromEnv
	fromFlag
)

// value is a setting's value in effect.
type value struct {
	text string // as written, trimmed; "" when unset
	v    any    // parsed by the setting's kind; nil when unset or wrong
	from source
	as   string // the older name it was read under, if one was
}

// settings are the values in effect of every setting, resolved once the
// command's flags are parsed.
type settings struct {
	decls  []setting
	byName map[string]*setting // by name and by older name
	vals   map[string]value
	// file is the config file read, "" for none.
	file string
	// problems are the wrong values, each naming its setting; every
	// command but bot config refuses to start with any.
	problems []error
	// notices are the deprecation lines, logged once there is a log.
	notices []notice
}

// notice is one deprecation line for the log.
type notice struct {
	msg      string
	old, new string
}

// resolveSettings finds the value in effect of every setting: the last
// flag given (all of them for a list), else the environment, else the
// config file (--config, else NEWSBOT_CONFIG), else the default. An
// older name counts as its setting's name within the same source; the
// current name wins when both are set. An empty environment variable is
// unset. It fails only when the config file cannot be read; wrong values
// are in problems.
func resolveSettings(getenv func(string) string, flags map[string][]string) (*settings, error) {
	s := &settings{decls: table(), byName: map[string]*setting{}, vals: map[string]value{}}
	for i := range s.decls {
		d := &s.decls[i]
		s.byName[d.name] = d
		for _, o := range d.older {
			s.byName[o.name] = d
		}
	}
	env := func(name string) string { return strings.TrimSpace(getenv(name)) }
	path := env("NEWSBOT_CONFIG")
	if fv := flags["NEWSBOT_CONFIG"]; len(fv) > 0 {
		path = fv[len(fv)-1]
	}
	file, err := s.readFile(path)
	if err != nil {
		return nil, err
	}
	s.file = path
	for i := range s.decls {
		d := &s.decls[i]
		s.vals[d.name] = s.resolve(d, flags[d.name], env, file)
	}
	return s, nil
}

// resolve finds one setting's value, and notes its problems and
// deprecations.
func (s *settings) resolve(d *setting, flags []string, env func(string) string, file map[string]string) value {
	val := find(d, flags, env, func(n string) string { return file[n] })
	s.noteOlder(d, val, env, file)
	if val.from == unset {
		def := d.def
		if d.defFrom != nil {
			def = d.defFrom(env)
		}
		if def == "" {
			return val
		}
		val = value{text: def, from: fromDefault}
	}
	if val.from == fromFlag && d.kind.list {
		val.v = flags
		return val
	}
	if val.as != "" {
		if o := d.olderName(val.as); o.means != nil {
			t, err := o.means(val.text)
			if err != nil {
				s.problems = append(s.problems, s.problem(d, val, err))
				return val
			}
			val.text = t
		}
	}
	v, err := d.kind.parse(val.text)
	if err != nil {
		s.problems = append(s.problems, s.problem(d, val, err))
		return val
	}
	val.v = v
	return val
}

// find returns the text d is set to, by the sources in order: its flags
// (the last; a list joins them), the environment, the file. Within a
// source d's name wins over its older names.
func find(d *setting, flags []string, env, file func(string) string) value {
	if len(flags) > 0 {
		val := value{text: flags[len(flags)-1], from: fromFlag}
		if d.kind.list {
			val.text = strings.Join(flags, string(filepath.ListSeparator))
		}
		return val
	}
	for _, src := range []struct {
		from source
		get  func(string) string
	}{{fromEnv, env}, {fromFile, file}} {
		if t := src.get(d.name); t != "" {
			return value{text: t, from: src.from}
		}
		for _, o := range d.older {
			if t := src.get(o.name); t != "" {
				return value{text: t, from: src.from, as: o.name}
			}
		}
	}
	return value{}
}

// noteOlder adds a deprecation line for each older name of d that is set:
// read in its place, or ignored because d's own name is set.
func (s *settings) noteOlder(d *setting, val value, env func(string) string, file map[string]string) {
	for _, o := range d.older {
		if o.synonym || (env(o.name) == "" && file[o.name] == "") {
			continue
		}
		n := notice{old: o.name, new: d.name}
		if val.as == o.name {
			n.msg = fmt.Sprintf("setting %s is deprecated: set %s instead", o.name, d.name)
			if o.means != nil && !d.secret {
				if t, err := o.means(val.text); err == nil {
					n.msg += fmt.Sprintf(" (%s=%s is read as %s=%s)", o.name, val.text, d.name, t)
				}
			}
		} else {
			n.msg = fmt.Sprintf("setting %s is deprecated and ignored: %s is set", o.name, d.name)
		}
		s.notices = append(s.notices, n)
	}
}

func (d *setting) olderName(name string) olderName {
	for _, o := range d.older {
		if o.name == name {
			return o
		}
	}
	panic("setting " + d.name + " has no older name " + name)
}

// problem is the error for a wrong value: the name it was given under,
// the value (never a secret's), where it came from, and what is wrong.
func (s *settings) problem(d *setting, val value, err error) error {
	name := d.name
	if val.as != "" {
		name = val.as + " (the older name of " + d.name + ")"
	}
	return fmt.Errorf("%s: %s (from %s): %v", name, d.show(val.text), s.where(d, val), err)
}

// where says where a value came from.
func (s *settings) where(d *setting, val value) string {
	switch val.from {
	case fromFlag:
		return "the flag --" + d.flag
	case fromEnv:
		return "the environment"
	case fromFile:
		return "the config file " + s.file
	case fromDefault:
		return "the default"
	}
	return "nowhere"
}

// show writes a value for people: a secret as "[set, redacted]", a URL
// without its password, anything else quoted.
func (d *setting) show(text string) string {
	if d.secret {
		return "[set, redacted]"
	}
	if u, err := url.Parse(text); err == nil && u.User != nil {
		return strconv.Quote(u.Redacted())
	}
	return strconv.Quote(text)
}

// readFile reads a config file: YAML, one SETTING: value per line, a list
// for several paths. A name that is no setting is refused, so that a typo
// is caught at start rather than ignored.
func (s *settings) readFile(path string) (map[string]string, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("config %s: not YAML of SETTING: value lines: %w", path, err)
	}
	file := map[string]string{}
	for k, v := range raw {
		if _, ok := s.byName[k]; !ok {
			return nil, fmt.Errorf("config %s: unknown setting %q (run \"bot config\" for the settings)", path, k)
		}
		if k == "NEWSBOT_CONFIG" {
			return nil, fmt.Errorf("config %s: a config file cannot name another (NEWSBOT_CONFIG)", path)
		}
		switch v := v.(type) {
		case string:
			file[k] = strings.TrimSpace(v)
		case []any:
			var parts []string
			for _, p := range v {
				parts = append(parts, fmt.Sprint(p))
			}
			sep := string(filepath.ListSeparator)
			if d := s.byName[k]; d.kind.sep != "" {
				sep = d.kind.sep
			}
			file[k] = strings.Join(parts, sep)
		case nil:
		default:
			file[k] = fmt.Sprint(v)
		}
	}
	return file, nil
}

// The getters return a setting's value in effect, of its kind's type.
// Every command checks every setting at start, so they cannot meet a wrong
// value; a name that is not declared, or a getter of another kind, is a
// bug in the wiring and panics (the tests of each command would).

func (s *settings) get(name string) value {
	if _, ok := s.vals[name]; !ok {
		panic("no setting " + name + " is declared in settings.go")
	}
	return s.vals[name]
}

// str returns a text, enumerated, address or checked setting; "" when
// unset.
func (s *settings) str(name string) string {
	if v, ok := s.get(name).v.(string); ok {
		return v
	}
	s.mustBeUnset(name)
	return ""
}

// on returns a true-or-false setting.
func (s *settings) on(name string) bool {
	if v, ok := s.get(name).v.(bool); ok {
		return v
	}
	s.mustBeUnset(name)
	return false
}

// duration returns a duration setting.
func (s *settings) duration(name string) time.Duration {
	if v, ok := s.get(name).v.(time.Duration); ok {
		return v
	}
	s.mustBeUnset(name)
	return 0
}

// perMinute returns a rate setting, in questions a minute; negative for
// no limit.
func (s *settings) perMinute(name string) float64 {
	if v, ok := s.get(name).v.(float64); ok {
		return v
	}
	s.mustBeUnset(name)
	return 0
}

// number returns a number setting (a temperature).
func (s *settings) number(name string) float64 {
	if v, ok := s.get(name).v.(float64); ok {
		return v
	}
	s.mustBeUnset(name)
	return 0
}

// count returns a whole-number setting.
func (s *settings) count(name string) int {
	if v, ok := s.get(name).v.(int); ok {
		return v
	}
	s.mustBeUnset(name)
	return 0
}

// prefixes returns a setting of IP ranges; nil when unset.
func (s *settings) prefixes(name string) []netip.Prefix {
	if v, ok := s.get(name).v.([]netip.Prefix); ok {
		return v
	}
	s.mustBeUnset(name)
	return nil
}

// paths returns a list setting.
func (s *settings) paths(name string) []string {
	if v, ok := s.get(name).v.([]string); ok {
		return v
	}
	s.mustBeUnset(name)
	return nil
}

// mustBeUnset panics when name has a value of another type than its
// getter's: a getter of the wrong kind.
func (s *settings) mustBeUnset(name string) {
	if v := s.get(name).v; v != nil {
		panic(fmt.Sprintf("setting %s is a %T, not what its getter reads", name, v))
	}
}

// given reports whether a setting was set by a flag, the environment or
// the config file, rather than left to its default.
func (s *settings) given(name string) bool {
	f := s.get(name).from
	return f == fromFlag || f == fromEnv || f == fromFile
}

const configUsage = `Usage: bot [flags] config

Prints every setting the bot reads, with the value in effect and where it
comes from: a flag, the environment, the config file (--config FILE or
NEWSBOT_CONFIG), or the default. Secrets are shown as "[set, redacted]",
never their value. It exits with status 1, naming each, when a setting has a
wrong value.

A config file is YAML, one SETTING: value per line, with the names it lists:
  NEWSBOT_DATA: /var/lib/newsbot
  NEWSBOT_MODEL: llama3.1
Flags win over the environment, and the environment over the file.
`

func (e *environ) config(ctx context.Context, args []string) error {
	fs := e.flags("config", configUsage)
	if done, err := e.parse(fs, args); done {
		return err
	}
	s := e.set
	if s.file != "" {
		fmt.Fprintf(e.stdout, "Config file: %s\n", s.file)
	}
	for _, g := range allGroups() {
		fmt.Fprintf(e.stdout, "\n%s:\n", g.title())
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		for i := range s.decls {
			d := &s.decls[i]
			if d.group == g {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", d.name, s.inEffect(d), plain(d.doc))
			}
		}
		tw.Flush()
	}
	if len(s.problems) > 0 {
		return fmt.Errorf("%d settings have wrong values:\n%w", len(s.problems), errors.Join(s.problems...))
	}
	return nil
}

// inEffect writes a setting's value in effect and where it came from.
func (s *settings) inEffect(d *setting) string {
	val := s.vals[d.name]
	if val.from == unset {
		if d.unsetNote != "" {
			return "unset (" + plain(d.unsetNote) + ")"
		}
		return "unset"
	}
	shown := val.text
	if d.secret {
		shown = "[set, redacted]"
	} else if u, err := url.Parse(shown); err == nil && u.User != nil {
		shown = u.Redacted()
	}
	from := map[source]string{fromDefault: "default", fromEnv: "environment", fromFile: "config file", fromFlag: "flag --" + d.flag}[val.from]
	if val.as != "" {
		from += ", as " + val.as
	}
	if val.v == nil {
		from += "; wrong, see below"
	}
	return shown + " (" + from + ")"
}

// plain is a doc line for a terminal: without the backquotes that make
// code in the README.
func plain(doc string) string { return strings.ReplaceAll(doc, "`", "") }

// defaultDoc says what a setting is when unset, for help and the README.
func (d *setting) defaultDoc() string {
	if d.def != "" && d.defFrom == nil {
		return d.def
	}
	return d.unsetNote
}

// settingsHelp lists the settings of groups for --help.
func settingsHelp(groups ...group) string {
	var b strings.Builder
	b.WriteString("\nSettings: environment variables, or the keys of a --config file; a flag wins\nover the environment, the environment over the file. \"bot config\" shows\ntheir values in effect.\n")
	for _, g := range groups {
		fmt.Fprintf(&b, "\n%s:\n", g.title())
		for _, d := range table() {
			if d.group != g {
				continue
			}
			b.WriteString("  " + d.name)
			if d.flag != "" {
				b.WriteString(" (--" + d.flag + ")")
			}
			b.WriteString("\n")
			doc := plain(d.doc)
			if def := d.defaultDoc(); def != "" {
				doc += "; default " + plain(def)
			}
			if d.secret {
				doc += "; secret"
			}
			for _, o := range d.older {
				doc += "; " + plain(o.describe())
			}
			wrap(&b, doc, "        ", 80)
		}
	}
	return b.String()
}

// describe says, for the docs, that an older name is still read.
func (o olderName) describe() string {
	switch {
	case o.synonym:
		return "also read as `" + o.name + "`"
	case o.meant != "":
		return "the older `" + o.name + "` (" + o.meant + ") is still read, with a deprecation line in the log"
	}
	return "the older name `" + o.name + "` is still read, with a deprecation line in the log"
}

// wrap writes text in lines of at most width, each after indent.
func wrap(b *strings.Builder, text, indent string, width int) {
	line := indent
	for _, w := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += w
	}
	b.WriteString(line + "\n")
}

// readmeTable is the README's table of a group's settings, in Markdown.
func readmeTable(g group) string {
	var b strings.Builder
	b.WriteString("| Variable | Default | Meaning |\n|---|---|---|\n")
	for _, d := range table() {
		if d.group != g {
			continue
		}
		def := d.defaultDoc()
		switch {
		case d.def != "" && d.defFrom == nil:
			def = "`" + def + "`"
		case def == "":
			def = "none"
		}
		meaning := d.doc
		if d.flag != "" {
			meaning += "; flag `--" + d.flag + "`"
		}
		if d.secret {
			meaning += "; a secret, never shown"
		}
		for _, o := range d.older {
			meaning += "; " + o.describe()
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", d.name, strings.ReplaceAll(def, "|", `\|`), strings.ReplaceAll(meaning, "|", `\|`))
	}
	return b.String()
}
