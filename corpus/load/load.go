// Package load reads news articles from files, or from an fs.FS such as
// the coverage embedded in the binary: plain text, Markdown with YAML front
// matter, HTML pages and JSON Lines. Loader says how each format is read;
// Files is the one rule for which files of a directory are read; a Report
// says what each file gave and what was refused, and why.
//
// Its HTML parser and YAML reader stay here, out of the answering core.
package load

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus"
)

// Size limits used when the Loader's fields are zero.
const (
	// defaultMaxArticleBytes bounds one article's body: 2 MiB, a hundred
	// times a long feature story.
	defaultMaxArticleBytes = 2 << 20
	// defaultMaxFileBytes bounds one file: 1 GiB.
	defaultMaxFileBytes int64 = 1 << 30
	// defaultMaxMetadataBytes bounds each metadata field: 2 KiB, ten times
	// a long headline and about the longest URL that browsers and servers
	// all accept.
	defaultMaxMetadataBytes = 2 << 10
)

// Loader reads articles from files. Its zero value is ready to use.
//
// The format is chosen by the file name's extension, in any case:
//
//   - .txt, and files without an extension (news dumps often have none;
//     binary ones are refused like any other): plain text;
//   - .md, .markdown: Markdown, with optional YAML front matter;
//   - .html, .htm: a web page;
//   - any of these with ".gz" after it (".html.gz", ".txt.gz"): the same,
//     gzip-compressed;
//   - .jsonl, .ndjson, .jsonl.gz, .ndjson.gz: JSON Lines in the articles
//     format, plain or gzip-compressed (recognised by the gzip magic
//     bytes, whatever the name says).
//
// Other extensions are refused as "unsupported file type".
//
// Plain text holds one article. Its first line is the headline, and
// becomes the Title, when a blank line and more text follow it, it is
// short (at most 150 characters and 25 words), it ends neither like a
// sentence (a final period, after any closing quotes or brackets, or an
// ellipsis) nor like a clause (colon, semicolon, comma), it is no byline
// ("By ...") and it does not start with a dateline. The Body is the rest
// (all of it when there is no headline), with leading blank lines removed,
// scraped tail lines dropped and trailing white space trimmed. A scraped
// tail line is a whole line of at most 40 bytes at the very end that reads,
// in any case and with a trailing ":", "…", "»", "›", ">" or "→" ignored,
// as a link-list heading, an ad label or a share button: "Around the Web",
// "Related Articles", "Related Stories", "Advertisement", "Sponsored",
// "Read more", "Continue reading", "Share this article", "Share", "You may
// also like", "Recommended for you", "Trending", "Most popular", "Comments",
// "Print", "Email", "Subscribe", "Sign up", "Newsletter" and the like
// (scrapeTails in load_text.go has the whole list). Such lines elsewhere
// stay.
//
// Markdown may open with YAML front matter between a line "---" and a line
// "---" (or "..."). Its keys, in any case, fill the metadata: title; source
// (or outlet, publisher, site_name) for Outlet; url (or link, canonical);
// published (or date, pubdate); author (or authors, byline; a list is
// joined with ", "); id; place. Other keys are ignored; front matter that is
// not valid YAML refuses the file. The Body is the Markdown after it, less
// what a reader of the rendered page does not see (comments, link
// reference definitions such as "[//]: # (...)", images' alt text, raw
// HTML that is hidden: see stripHiddenMarkdown); inline markup (emphasis,
// links) stays in the Body. When the front matter gives no title and the
// first line is a level-1 ATX heading ("# Title"), that heading is the
// Title and the Body starts after it (a first heading equal to the front
// matter's title is dropped the same way). Scraped tail lines are dropped
// as for plain text.
//
// HTML is decoded from the charset it declares when it is not UTF-8. What a
// reader does not see never reaches the Body or the metadata: styles from
// the page's <style> blocks are resolved against its elements, with inline
// styles, and text hidden by them (display:none, font-size:0, white on
// white, transparent, off-screen, clipped...; see hidden.go for the list)
// is cut, as are hidden, aria-hidden and non-rendered elements. The main
// text is extracted with go-readability v2 (codeberg.org/readeck/
// go-readability/v2, the maintained successor of the archived
// go-shiori/go-readability; the page's <article>, <main> or <body> when it
// finds none), chosen by measurement on a public benchmark (see the
// README); the Body is that text with block elements as paragraphs
// separated by blank lines, <br> as a line break, white space collapsed,
// character references decoded, blocks that are only links left out
// (menus, "related" lists: see isLinkBlock), and boilerplate lines dropped
// (captions and credits, bare links, share and subscribe rows, "Read more"
// lead-ins, citation, copyright and date lines, bylines, the headline
// again: see dropBoilerplate). Metadata comes from the page: the Title as
// the extractor reads it (og:title, JSON-LD headline, <title>); the Outlet
// is the site: og:site_name, else the site name the extractor finds, else
// the canonical link's host name; the Author from the author <meta>, else
// the extractor's byline; the URL from <link rel="canonical">, else og:url
// (absolute http(s) only); the Language from <html lang>,
// Content-Language or og:locale; Published from article:published_time,
// JSON-LD datePublished, the publication-date <meta> tags (og, Dublin
// Core, sailthru, parsely and more: publishedMetaNames), an element with
// itemprop="datePublished", JSON-LD dateCreated, the first <time
// datetime>, else the date the extractor finds in the metadata; never from
// the text or the URL.
//
// A story's dateline or byline naming a news agency ("GENEVA (Reuters) –",
// "By Reuters") makes that agency the Wire when the Outlet is another site
// (shown as "Site (via Reuters)"), and the Outlet when the URL is on the
// agency's own site or the source names no outlet.
//
// Every metadata field is one line, bounded and free of invisible
// characters (see BoundMetadata): a title or byline over its bound is cut
// at a word, an outlet that is a link reads as its host name, and one over
// 64 characters or 8 words is no name and is dropped.
//
// JSON Lines holds one article a line, {"id", "title", "source" (the
// Outlet), "url", "published", "body"}, plus an optional "author" and
// Reuters-21578's "dateline" (its place fills Place); other fields are
// ignored. The body is taken verbatim, not even trimmed, because
// evaluation gold spans are byte offsets into it. Blank lines are skipped.
// A bad record is refused by its line number while the others load: a line
// that is not valid UTF-8, not JSON or not an object, a body that is
// missing, not a string, empty (or white space) or over MaxArticleBytes, and
// a line longer than four times MaxArticleBytes plus 64 KiB (room for JSON
// escapes). Other fields of the wrong type are ignored; an "id" may be a
// number.
//
// Every format: a dateline at the start of the Body (see dateline.Parse)
// sets TextStart, and Place and Outlet where the source left them empty.
// Dates are read leniently (RFC 3339, "2006-01-02", "2006-01-02T15:04:05",
// "January 2, 2006", "Jan. 2, 2006", "2 Jan 2006", RFC 1123 and more; no
// zone means UTC); a date that cannot be read is left zero (unknown) and
// is no error. Metadata that a file does not give stays empty: the loader
// never takes a title from a file name or a date from a file's
// modification time.
//
// An article's ID is the source's id when it gives one (JSON Lines "id",
// front matter "id"); otherwise the first 16 hex digits of the SHA-256 of
// its Body, so it is stable across re-ingests and moves, and the same text
// loaded twice is the same article.
//
// Plain text, Markdown and HTML are cleaned before anything else:
// invisible characters (see corpus.IsInvisible: format characters,
// variation selectors, every default-ignorable code point) are removed and
// line ends normalised to "\n". JSON Lines bodies keep both, verbatim (the
// index and every output skip the invisible ones). Any of these formats
// may be gzip-compressed with ".gz" after its extension (".html.gz").
//
// Every format: each metadata field (ID, Title, Outlet, URL, Author,
// Place), as read and trimmed, is at most MaxMetadataBytes; an article with
// a longer one is refused (its file, or its JSON Lines record), naming the
// field, like an over-long body. No real headline, outlet or link comes
// near the limit, so refusing rather than cutting loses nothing a person
// would want and never shows a shortened link or headline as the source's.
//
// Bad input is refused with a Problem and loses nothing else: a binary file
// (a NUL byte, or more than one byte in ten a control character, in its
// first 8 KiB), UTF-16, invalid UTF-8, an empty or white-space-only file, a
// file with no article text left, an article or file over the size limits,
// a file that cannot be opened or read, an unsupported extension.
type Loader struct {
	// MaxArticleBytes bounds one article's body; 0 means 2 MiB. A longer
	// article is refused.
	MaxArticleBytes int
	// MaxFileBytes bounds one file (compressed size for .gz); 0 means
	// 1 GiB. A larger file is refused.
	MaxFileBytes int64
	// MaxMetadataBytes bounds each metadata field of an article (ID,
	// Title, Outlet, URL, Author, Place); 0 means 2 KiB. An article with a
	// longer one is refused.
	MaxMetadataBytes int
}

// Report is what loading one file gave: the articles read from it, and the
// problems met. A file that could not be read at all has no Articles and
// one Problem.
type Report struct {
	// Path is the file's path as walked: a path on disk for Load, a
	// slash-separated fs.FS path for LoadFS.
	Path     string
	Articles []corpus.Article
	Problems []Problem

	// emit, when set (by Stream), takes each article instead of Articles;
	// its first error stops the file and is kept in stopped.
	emit    func(corpus.Article) error
	stopped error
}

// add keeps an article read, or hands it to emit; false means stop.
func (r *Report) add(a corpus.Article) bool {
	if r.emit == nil {
		r.Articles = append(r.Articles, a)
		return true
	}
	if err := r.emit(a); err != nil {
		r.stopped = err
		return false
	}
	return true
}

// Problem is a refusal: a whole file (Line 0) or one JSON Lines record
// (Line N, counted from 1).
type Problem struct {
	Line int
	// Reason is short, for a person: "not valid UTF-8 at byte 12",
	// "empty file", "binary file", "article body is 3.1 MiB, over the
	// 2 MiB limit", "line 4: invalid JSON: ...", "line 7: missing body".
	Reason string
}

// String returns the problem's reason, which names the line when there is
// one.
func (p Problem) String() string { return p.Reason }

// Where names the file a problem is in, with ":LINE" for a JSON Lines
// record ("feed.jsonl:7"), for a person.
func (r Report) Where(p Problem) string {
	if p.Line > 0 {
		return r.Path + ":" + strconv.Itoa(p.Line)
	}
	return r.Path
}

// Load reads each path: a file, or a directory walked recursively, by the
// selection rule of Files (hidden files and directories skipped, symbolic
// links to directories not followed, a path given read even when hidden).
// Files of unknown extensions are reported as refused.
//
// It returns one Report per file: the paths in the order given, the files
// of a directory in lexical order. A path that does not exist gives a
// Report with its Problem. Load never panics on bad input.
func (l *Loader) Load(paths ...string) []Report {
	return l.LoadFiles(Files(paths...))
}

// LoadFiles reads the files of a selection made by Files, one Report
// each: a refused entry gives its Problem. It is Load for a caller that
// needs the selection itself (to read only some of it, or to record what
// was read).
func (l *Loader) LoadFiles(files []File) []Report {
	return l.loadFiles(osFiles{}, files)
}

// LoadFS is Load over a file system, as used for the corpus embedded in the
// binary: root is a file or a directory of fsys, in fs.FS path syntax.
func (l *Loader) LoadFS(fsys fs.FS, root string) []Report {
	return l.loadFiles(fsFiles{fsys}, selectFiles(fsFiles{fsys}, root, nil))
}

// Stream reads the files of a selection as LoadFiles does, but hands each
// article to fn as soon as it is read, in order, with the position in
// files of the file it is from, instead of keeping it: the Reports it
// returns (one a file, as LoadFiles) have their Problems and no Articles,
// so what it holds does not grow with the files. If fn returns an error,
// reading stops there, and Stream returns the reports so far and that
// error.
func (l *Loader) Stream(files []File, fn func(file int, a corpus.Article) error) ([]Report, error) {
	var reports []Report
	for i, f := range files {
		if f.Refused != "" {
			reports = append(reports, Report{Path: f.Path, Problems: []Problem{{Reason: f.Refused}}})
			continue
		}
		rep := l.loadFileTo(osFiles{}, f.Path, f.Info, func(a corpus.Article) error { return fn(i, a) })
		err := rep.stopped
		rep.emit, rep.stopped = nil, nil
		reports = append(reports, rep)
		if err != nil {
			return reports, err
		}
	}
	return reports, nil
}

func (l *Loader) loadFiles(fsys files, list []File) []Report {
	var reports []Report
	for _, f := range list {
		if f.Refused != "" {
			reports = append(reports, Report{Path: f.Path, Problems: []Problem{{Reason: f.Refused}}})
			continue
		}
		reports = append(reports, l.loadFile(fsys, f.Path, f.Info))
	}
	return reports
}

// format is a file format the loader reads.
type format int

const (
	formatUnknown format = iota
	formatText
	formatMarkdown
	formatHTML
	formatJSONL
)

// formatOf chooses the format by the file name's extension.
func formatOf(name string) (format, string) {
	base := strings.ToLower(path.Base(filepath.ToSlash(name)))
	gz := ""
	if b, ok := strings.CutSuffix(base, ".gz"); ok && path.Ext(b) != "" {
		base, gz = b, ".gz"
	}
	ext := path.Ext(base)
	if f := formatByExt(ext); f != formatUnknown {
		return f, ext + gz
	}
	return formatUnknown, ext + gz
}

// formatByExt is the format of an extension, without any ".gz".
func formatByExt(ext string) format {
	switch ext {
	case ".txt", "":
		return formatText
	case ".md", ".markdown":
		return formatMarkdown
	case ".html", ".htm":
		return formatHTML
	case ".jsonl", ".ndjson":
		return formatJSONL
	}
	return formatUnknown
}

// loadFile loads one file, whatever goes wrong.
func (l *Loader) loadFile(fsys files, name string, info fs.FileInfo) Report {
	return l.loadFileTo(fsys, name, info, nil)
}

// loadFileTo loads one file, handing its articles to emit when it is set.
func (l *Loader) loadFileTo(fsys files, name string, info fs.FileInfo, emit func(corpus.Article) error) (rep Report) {
	rep.Path = name
	rep.emit = emit
	defer func() {
		// A bug in a parser must cost one file, not the whole load.
		if r := recover(); r != nil {
			stopped := rep.stopped
			rep = fileProblem(name, fmt.Errorf("internal error while loading: %v", r))
			rep.stopped = stopped
		}
	}()
	f, ext := formatOf(name)
	if f == formatUnknown {
		return fileProblem(name, fmt.Errorf("unsupported file type %q", ext))
	}
	if !info.Mode().IsRegular() {
		return fileProblem(name, errors.New("not a regular file"))
	}
	maxFile := l.maxFileBytes()
	if info.Size() > maxFile {
		return fileProblem(name, fmt.Errorf("file is %s, over the %s limit", formatSize(info.Size()), formatSize(maxFile)))
	}
	file, err := fsys.open(name)
	if err != nil {
		return fileProblem(name, fmt.Errorf("open: %w", err))
	}
	defer file.Close()
	r := &limitReader{r: file, left: maxFile}
	if f == formatJSONL {
		l.loadJSONL(&rep, r)
		return rep
	}
	data, err := readDocument(r, maxFile)
	if err != nil {
		return fileProblem(name, err)
	}
	a, err := l.parseDocument(f, name, data)
	if err != nil {
		p := fileProblem(name, err)
		p.emit = emit
		return p
	}
	rep.add(a)
	return rep
}

// readDocument reads a whole text, Markdown or HTML file, decompressed
// when it is gzip (by its magic bytes, whatever its name), its decompressed
// size bounded by max too.
func readDocument(r io.Reader, max int64) ([]byte, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("decompress gzip: %w", err)
		}
		defer zr.Close()
		data, err := io.ReadAll(&limitReader{r: zr, left: max})
		if err != nil {
			return nil, fmt.Errorf("decompress gzip: %w", err)
		}
		return data, nil
	}
	data, err := io.ReadAll(br)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	return data, nil
}

// parseDocument reads one article from a plain text, Markdown or HTML file.
func (l *Loader) parseDocument(f format, name string, data []byte) (corpus.Article, error) {
	if err := checkText(data); err != nil {
		return corpus.Article{}, err
	}
	var (
		a   corpus.Article
		err error
	)
	switch f {
	case formatHTML:
		a, err = parseHTML(data)
	default:
		if !utf8.Valid(data) {
			return corpus.Article{}, invalidUTF8(data)
		}
		text := normaliseNewlines(stripInvisible(string(data)))
		if strings.TrimFunc(text, unicode.IsSpace) == "" {
			return corpus.Article{}, errors.New("empty file")
		}
		if f == formatMarkdown {
			a, err = parseMarkdown(text)
		} else {
			a = parseText(text)
		}
	}
	if err != nil {
		return corpus.Article{}, err
	}
	if a.Body == "" {
		return corpus.Article{}, errNoText
	}
	if err := l.finish(&a); err != nil {
		return corpus.Article{}, err
	}
	a.Source = name
	return a, nil
}

// finish is the last step of every format: it checks the article against
// the size limits, body and metadata (a field over MaxMetadataBytes refuses
// the article), gives it an ID from its content when the source gave none,
// and bounds its metadata (BoundMetadata). Every article loaded passes
// through it.
func (l *Loader) finish(a *corpus.Article) error {
	if max := l.maxArticleBytes(); len(a.Body) > max {
		return fmt.Errorf("article body is %s, over the %s limit", formatSize(int64(len(a.Body))), formatSize(int64(max)))
	}
	max := l.maxMetadataBytes()
	for _, f := range []struct{ name, value string }{
		{"id", a.ID}, {"title", a.Title}, {"outlet", a.Outlet},
		{"URL", a.URL}, {"author", a.Author}, {"place", a.Place},
	} {
		if len(f.value) > max {
			return fmt.Errorf("%s is %s; metadata is limited to %s a field", f.name, formatSize(int64(len(f.value))), formatSize(int64(max)))
		}
	}
	if a.ID == "" {
		a.ID = contentID(a.Body)
	}
	// Within the limits, each field is made one line and bounded to what
	// a person reads (a title cut at a word, an outlet that is no name
	// dropped).
	BoundMetadata(a)
	return nil
}

// contentID is the ID of an article whose source gives none: the first 16
// hex digits of the SHA-256 of its body.
func contentID(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:8])
}

func (l *Loader) maxArticleBytes() int {
	if l == nil || l.MaxArticleBytes <= 0 {
		return defaultMaxArticleBytes
	}
	return l.MaxArticleBytes
}

func (l *Loader) maxMetadataBytes() int {
	if l == nil || l.MaxMetadataBytes <= 0 {
		return defaultMaxMetadataBytes
	}
	return l.MaxMetadataBytes
}

func (l *Loader) maxFileBytes() int64 {
	if l == nil || l.MaxFileBytes <= 0 {
		return defaultMaxFileBytes
	}
	return l.MaxFileBytes
}

// fileProblem is the Report of a file refused whole.
func fileProblem(name string, err error) Report {
	return Report{Path: name, Problems: []Problem{{Line: 0, Reason: problemReason(err)}}}
}

// problemReason words err for a person: a *fs.PathError is reduced to its
// cause, since the Report gives the path and the wrapping names the step.
func problemReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return strings.Replace(err.Error(), pe.Error(), pe.Err.Error(), 1)
	}
	return err.Error()
}

// errFileTooLarge is returned by limitReader past its limit.
var errFileTooLarge = errors.New("file is over the size limit")

// limitReader reads at most left bytes and fails after that, for file
// systems whose sizes cannot be trusted.
type limitReader struct {
	r    io.Reader
	left int64
}

func (r *limitReader) Read(p []byte) (int, error) {
	if r.left < 0 {
		return 0, errFileTooLarge
	}
	if int64(len(p)) > r.left+1 {
		p = p[:r.left+1]
	}
	n, err := r.r.Read(p)
	r.left -= int64(n)
	if r.left < 0 {
		return n, errFileTooLarge
	}
	return n, err
}

// formatSize writes n bytes for a person: "2000 bytes" (exact below
// 10 KiB), "3.1 MiB", "2 MiB".
func formatSize(n int64) string {
	const unit = 1024
	if n < 10*unit {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	v := float64(n)
	suffix := ""
	for _, s := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= unit
		suffix = s
		if v < unit {
			break
		}
	}
	num := strconv.FormatFloat(v, 'f', 1, 64)
	num = strings.TrimSuffix(num, ".0")
	return num + " " + suffix
}

// LoadBytes reads one document already in memory, as a file named with
// the extension ext (".html", ".txt", ".md", ".jsonl"...; ".gz" after it
// for compressed data) would be read; the Report's Path, and the
// articles' Source, are name (a URL, for a page fetched from the web).
func (l *Loader) LoadBytes(name, ext string, data []byte) (rep Report) {
	rep.Path = name
	defer func() {
		if r := recover(); r != nil {
			rep = fileProblem(name, fmt.Errorf("internal error while loading: %v", r))
		}
	}()
	f, _ := formatOf("document" + ext)
	if f == formatUnknown {
		return fileProblem(name, fmt.Errorf("unsupported file type %q", ext))
	}
	if int64(len(data)) > l.maxFileBytes() {
		return fileProblem(name, fmt.Errorf("document is %s, over the %s limit", formatSize(int64(len(data))), formatSize(l.maxFileBytes())))
	}
	if f == formatJSONL {
		l.loadJSONL(&rep, bytes.NewReader(data))
		return rep
	}
	data, err := readDocument(bytes.NewReader(data), l.maxFileBytes())
	if err != nil {
		return fileProblem(name, err)
	}
	a, err := l.parseDocument(f, name, data)
	if err != nil {
		return fileProblem(name, err)
	}
	rep.Articles = []corpus.Article{a}
	return rep
}
