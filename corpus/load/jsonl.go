package load

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/dateline"
)

// jsonRecord is one line of the articles format:
// {"id", "title", "source", "url", "published", "body"}, plus the optional
// "author", "wire", "language" and "place" (as bot export writes them) and
// Reuters-21578's "dateline". Other fields are ignored.
type jsonRecord struct {
	ID        jsonText   `json:"id"`
	Title     string     `json:"title"`
	Source    string     `json:"source"`
	URL       string     `json:"url"`
	Published string     `json:"published"`
	Author    jsonAuthor `json:"author"`
	Dateline  string     `json:"dateline"`
	Wire      string     `json:"wire"`
	Language  string     `json:"language"`
	Place     string     `json:"place"`
	Body      *string    `json:"body"`
}

// loadJSONL reads a JSON Lines file into rep, one article a line, as the
// Loader documents.
func (l *Loader) loadJSONL(rep *Report, r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	readStep := "read"
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			rep.Problems = append(rep.Problems, Problem{Reason: problemReason(fmt.Errorf("decompress gzip: %w", err))})
			return
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 256<<10)
		readStep = "decompress gzip"
	}
	head, err := br.Peek(sniffBytes)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		rep.Problems = append(rep.Problems, Problem{Reason: problemReason(fmt.Errorf("%s: %w", readStep, err))})
		return
	}
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		rep.Problems = append(rep.Problems, Problem{Reason: "UTF-16 text, not UTF-8"})
		return
	}
	if isBinary(head) {
		rep.Problems = append(rep.Problems, Problem{Reason: "binary file"})
		return
	}

	maxBody := l.maxArticleBytes()
	lineLimit := 4*maxBody + 64<<10

	// Reading (and decompressing) runs in its own goroutine, decoding in
	// this one: on two cores that nearly halves the time.
	batches := make(chan *lineBatch, 4)
	free := make(chan *lineBatch, 4) // batches decoded, for reuse
	done := make(chan struct{})
	defer close(done)
	go readLines(br, lineLimit, batches, free, done)

	lineNo, records := 0, 0
	for b := range batches {
		for _, ln := range b.lines {
			lineNo++
			line := b.data[ln.start:ln.end]
			switch {
			case ln.n > lineLimit:
				rep.Problems = append(rep.Problems, lineProblem(lineNo, fmt.Sprintf("record is %s, over the %s line limit", formatSize(int64(ln.n)), formatSize(int64(lineLimit)))))
			case len(bytes.TrimSpace(line)) == 0:
				// A blank line separates nothing; skip it.
			default:
				records++
				a, reason := l.parseRecord(line)
				if reason != "" {
					rep.Problems = append(rep.Problems, lineProblem(lineNo, reason))
					break
				}
				a.Source = rep.Path + ":" + strconv.Itoa(lineNo)
				if !rep.add(a) {
					return
				}
			}
		}
		if err := b.err; err != nil {
			// The line being read is incomplete: report the failure, not
			// the line.
			if errors.Is(err, errFileTooLarge) {
				err = fmt.Errorf("file is over the %s limit", formatSize(l.maxFileBytes()))
			} else {
				err = fmt.Errorf("%s after line %d: %w", readStep, lineNo, err)
			}
			rep.Problems = append(rep.Problems, Problem{Reason: problemReason(err)})
		}
		select {
		case free <- b: // the decoded articles hold copies, not b's data
		default:
		}
	}
	if records == 0 && len(rep.Problems) == 0 {
		rep.Problems = append(rep.Problems, Problem{Reason: "empty file"})
	}
}

// lineBatch is a run of lines read from a JSON Lines file.
type lineBatch struct {
	data  []byte
	lines []batchLine
	err   error // a read error after the lines (never io.EOF)
}

// batchLine is one line of a lineBatch: data[start:end], whose full length
// was n (past the line limit, the data holds none of it).
type batchLine struct{ start, end, n int }

// readLines reads br's lines into batches until the end or a read error,
// then closes out. It reuses the batches it gets back on free, and stops
// early when done is closed.
func readLines(br *bufio.Reader, limit int, out chan<- *lineBatch, free <-chan *lineBatch, done <-chan struct{}) {
	defer close(out)
	b := &lineBatch{}
	send := func() bool {
		select {
		case out <- b:
		case <-done:
			return false
		}
		select {
		case b = <-free:
			b.data, b.lines, b.err = b.data[:0], b.lines[:0], nil
		default:
			b = &lineBatch{data: make([]byte, 0, 1<<20)}
		}
		return true
	}
	defer func() {
		// A bug here must not take the process down: report it as a
		// read error.
		if r := recover(); r != nil {
			b.err = fmt.Errorf("internal error: %v", r)
			send()
		}
	}()
	var buf []byte
	for {
		line, n, err := readLine(br, &buf, limit)
		if err != nil && err != io.EOF {
			b.err = err
			send()
			return
		}
		if n > 0 {
			start := len(b.data)
			if n <= limit {
				b.data = append(b.data, line...)
			}
			b.lines = append(b.lines, batchLine{start, len(b.data), n})
			if len(b.data) >= 1<<20 || len(b.lines) >= 4096 {
				if !send() {
					return
				}
			}
		}
		if err == io.EOF {
			send()
			return
		}
	}
}

func lineProblem(line int, reason string) Problem {
	return Problem{Line: line, Reason: "line " + strconv.Itoa(line) + ": " + reason}
}

// readLine reads one line from br, without its "\n". The line is valid
// until the next call. n is the line's full length, "\n" included; past
// limit, the rest of the line is read and dropped, and line is incomplete.
func readLine(br *bufio.Reader, buf *[]byte, limit int) (line []byte, n int, err error) {
	frag, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		// The common case: the whole line is in the reader's buffer.
		return bytes.TrimSuffix(frag, []byte("\n")), len(frag), err
	}
	*buf = append((*buf)[:0], frag...)
	n = len(frag)
	for err == bufio.ErrBufferFull {
		frag, err = br.ReadSlice('\n')
		n += len(frag)
		if n <= limit {
			*buf = append(*buf, frag...)
		}
	}
	return bytes.TrimSuffix(*buf, []byte("\n")), n, err
}

// parseRecord reads one JSON Lines record. It returns the reason when the
// record is refused.
func (l *Loader) parseRecord(line []byte) (corpus.Article, string) {
	if !utf8.Valid(line) {
		return corpus.Article{}, invalidUTF8(line).Error()
	}
	var rec jsonRecord
	if err := json.Unmarshal(line, &rec); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case !errors.As(err, &typeErr):
			return corpus.Article{}, "invalid JSON: " + err.Error()
		case typeErr.Field == "":
			return corpus.Article{}, "record is not a JSON object"
		case typeErr.Field == "body":
			return corpus.Article{}, "body is not a string"
		}
		// Another field of the wrong type: ignored, the rest was read.
	}
	if rec.Body == nil {
		return corpus.Article{}, "missing body"
	}
	body := *rec.Body
	if strings.TrimSpace(body) == "" {
		return corpus.Article{}, "empty body"
	}
	a := corpus.Article{
		ID:        strings.TrimSpace(string(rec.ID)),
		Title:     oneLine(rec.Title),
		Outlet:    oneLine(rec.Source),
		URL:       strings.TrimSpace(rec.URL),
		Published: parseDate(rec.Published),
		Author:    oneLine(string(rec.Author)),
		Place:     dateline.PlaceFromField(rec.Dateline),
		Wire:      rec.Wire,
		Language:  rec.Language,
		Body:      body,
	}
	if a.Place == "" {
		a.Place = rec.Place
	}
	applyDateline(&a)
	if err := l.finish(&a); err != nil {
		return corpus.Article{}, err.Error()
	}
	return a, ""
}

// jsonText is a JSON string, or a number kept as written; any other value
// reads as "".
type jsonText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *jsonText) UnmarshalJSON(data []byte) error {
	switch {
	case len(data) >= 2 && data[0] == '"' && bytes.IndexByte(data, '\\') < 0:
		*t = jsonText(data[1 : len(data)-1])
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err == nil {
			*t = jsonText(s)
		}
	case len(data) > 0 && (data[0] == '-' || '0' <= data[0] && data[0] <= '9'):
		*t = jsonText(data)
	default:
		*t = ""
	}
	return nil
}

// jsonAuthor is an author given as a string, an object with a "name", or a
// list of those, joined with ", ".
type jsonAuthor string

// UnmarshalJSON implements json.Unmarshaler.
func (a *jsonAuthor) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil
	}
	*a = jsonAuthor(authorText(v))
	return nil
}

func authorText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case map[string]any:
		if name, ok := v["name"].(string); ok {
			return name
		}
	case []any:
		var names []string
		for _, e := range v {
			if s := strings.TrimSpace(authorText(e)); s != "" {
				names = append(names, s)
			}
		}
		return strings.Join(names, ", ")
	}
	return ""
}
