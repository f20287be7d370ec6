package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsbot-dev/newsbot"
	"github.com/newsbot-dev/newsbot/corpus"
	"github.com/newsbot-dev/newsbot/corpus/attribution"
)

// rel is an attribution relation of a test article, by its words: each
// is found in the body (the first occurrence; content, cue and source at
// or after from when from is given).
type rel struct {
	content, cue, source, speaker string
}

// fakeExtractor finds the given relations in the bodies that hold them,
// as corpus/attribution would: a stand-in while the extractor is written,
// and exact, so that what the index does with relations is tested alone.
func fakeExtractor(rels []rel) func(string) []attribution.Attribution {
	return func(body string) []attribution.Attribution {
		var out []attribution.Attribution
		span := func(s string) []attribution.Span {
			if s == "" {
				return nil
			}
			i := strings.Index(body, s)
			if i < 0 {
				return nil
			}
			return []attribution.Span{{Start: i, End: i + len(s)}}
		}
		for _, r := range rels {
			c := span(r.content)
			if c == nil {
				continue
			}
			a := attribution.Attribution{Content: c, Cue: span(r.cue), Source: span(r.source)}
			if sp := span(r.speaker); sp != nil {
				a.Speaker = sp[0]
			}
			out = append(out, a)
		}
		return out
	}
}

// bridge is a coverage of one event by four outlets that disagree on the
// toll and quote different officials, some only as "she" or "he".
func bridge() ([]corpus.Article, []rel) {
	day := time.Date(2024, 5, 14, 0, 0, 0, 0, time.UTC)
	arts := []corpus.Article{
		{ID: "herald", Outlet: "Coast Herald", Title: "Harlow bridge collapses", Published: day,
			Body: "The Harlow bridge collapsed into the river on Tuesday evening. Mayor Ana Diaz visited the site on Wednesday morning. Crowds gathered on the bank to watch the divers.\n\n“We will rebuild it within a year, and we will find out what went wrong,” she said. Twelve people died in the collapse."},
		{ID: "times", Outlet: "Valley Times", Wire: "Reuters", Title: "Fourteen killed as bridge falls", Published: day,
			Body: "Fourteen people were killed when the Harlow bridge collapsed on Tuesday. Rescue crews searched the river overnight with divers and boats.\n\nThe mayor told reporters the city would pay for the repairs."},
		{ID: "post", Outlet: "Daily Post", Title: "Toll rises after Harlow collapse", Published: day,
			Body: "The death toll from the Harlow bridge collapse rose to 14 on Thursday. Police chief Omar Reyes spoke at the river bank. Divers recovered two cars from the water.\n\nHe said the investigation would take several weeks."},
		{ID: "star", Outlet: "Morning Star", Title: "Harlow mourns", Published: day,
			Body: "Officials said 13 people were dead after the Harlow bridge fell. Traffic was diverted to the northern ring road for the week."},
	}
	rels := []rel{
		{content: "“We will rebuild it within a year, and we will find out what went wrong,”", cue: "said", source: "she", speaker: "Mayor Ana Diaz"},
		{content: "the city would pay for the repairs", cue: "told reporters", source: "The mayor", speaker: "The mayor"},
		{content: "the investigation would take several weeks", cue: "said", source: "He", speaker: "Police chief Omar Reyes"},
		{content: "13 people were dead after the Harlow bridge fell", cue: "said", source: "Officials"},
	}
	return arts, rels
}

func diskWith(t *testing.T, arts []corpus.Article, extract func(string) []attribution.Attribution) *Disk {
	t.Helper()
	ix := Memory()
	ix.Attributions = extract
	if _, err := ix.Add(context.Background(), arts); err != nil {
		t.Fatal(err)
	}
	return ix
}

func retrieveAll(t *testing.T, r newsbot.Retriever, q string, k int) []newsbot.Evidence {
	t.Helper()
	ev, err := r.Retrieve(context.Background(), q, k)
	if err != nil {
		t.Fatalf("Retrieve(%q): %v", q, err)
	}
	return ev
}

func findEvidence(ev []newsbot.Evidence, prefix string) (newsbot.Evidence, int) {
	for i, e := range ev {
		if strings.HasPrefix(e.Sentence, prefix) {
			return e, i
		}
	}
	return newsbot.Evidence{}, -1
}

// TestSpeakerQuestionsFindAttributedSentences: a question naming a
// speaker finds what the article attributes to them, though the sentence
// names them only as "she" or "he", and the evidence says who speaks.
func TestSpeakerQuestionsFindAttributedSentences(t *testing.T) {
	arts, rels := bridge()
	none := func(string) []attribution.Attribution { return nil }
	for _, tt := range []struct {
		q, sentence, speaker string
		direct               bool
		// measured: the question has no word of the sentence, so that
		// only the relation can find it.
		measured bool
	}{
		{"What did the mayor say?", "“We will rebuild", "Mayor Ana Diaz", true, true},
		{"What did Ana Diaz say about rebuilding?", "“We will rebuild", "Mayor Ana Diaz", true, false},
		{"What did the police chief say about the investigation?", "He said the investigation", "Police chief Omar Reyes", false, false},
		{"What did Omar Reyes say?", "He said the investigation", "Police chief Omar Reyes", false, false},
	} {
		with := -1
		for _, engine := range []struct {
			name string
			r    newsbot.Retriever
		}{
			{"disk", diskWith(t, arts, fakeExtractor(rels))},
			{"memory", (&Index{extract: fakeExtractor(rels)}).extend(arts)},
		} {
			ev := retrieveAll(t, engine.r, tt.q, 3)
			e, at := findEvidence(ev, tt.sentence)
			if at < 0 {
				t.Errorf("%s: %q: %q is not among the first 3: %v", engine.name, tt.q, tt.sentence, sentencesOf(ev))
				continue
			}
			with = at
			if got := e.Speaker(); got != tt.speaker {
				t.Errorf("%s: %q: Speaker() = %q, want %q (attributions %+v)", engine.name, tt.q, got, tt.speaker, e.Attributions)
			}
			for _, a := range e.Attributions {
				if a.Start >= e.End || a.End <= e.Start || a.Direct != tt.direct {
					t.Errorf("%s: %q: attribution %+v of sentence [%d:%d], want overlapping, direct %v", engine.name, tt.q, a, e.Start, e.End, tt.direct)
				}
			}
		}
		// Without the relations the same index ranks it lower or not at
		// all: the test measures the attributions.
		ev := retrieveAll(t, diskWith(t, arts, none), tt.q, 5)
		if _, at := findEvidence(ev, tt.sentence); tt.measured && with >= 0 && at >= 0 && at <= with {
			t.Errorf("%q: without the relations %q is at %d too: the test does not measure them", tt.q, tt.sentence, at)
		}
		for _, e := range ev {
			if len(e.Attributions) != 0 {
				t.Errorf("%q: attributions without an extractor: %+v", tt.q, e.Attributions)
			}
		}
	}
	// The mayor's words a sentence gives as the outlet's own report, with
	// no pronoun: still hers.
	ev := retrieveAll(t, diskWith(t, arts, fakeExtractor(rels)), "What did the mayor say?", 5)
	if e, at := findEvidence(ev, "The mayor told reporters"); at < 0 || e.Speaker() != "The mayor" || e.Attributions[0].Cue != "told reporters" || e.Attributions[0].Direct {
		t.Errorf("the reported speech of the mayor: %+v at %d in %v", e.Attributions, at, sentencesOf(ev))
	}
	// A source with no name: the source as written.
	ev = retrieveAll(t, diskWith(t, arts, fakeExtractor(rels)), "How many people were dead, officials said?", 5)
	if e, at := findEvidence(ev, "Officials said 13"); at < 0 || e.Speaker() != "Officials" {
		t.Errorf("officials: %+v at %d in %v", e.Attributions, at, sentencesOf(ev))
	}
}

func sentencesOf(ev []newsbot.Evidence) []string {
	var out []string
	for _, e := range ev {
		out = append(out, e.Sentence)
	}
	return out
}

// TestAttributionsSurviveMergeAndReopen: the relations are kept in the
// segment files, carried over by merges and read back after a reopen.
func TestAttributionsSurviveMergeAndReopen(t *testing.T) {
	arts, rels := bridge()
	dir := t.TempDir()
	w, err := OpenWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.Attributions = fakeExtractor(rels)
	for _, a := range arts { // a segment each
		if _, err := w.Add(context.Background(), []corpus.Article{a}); err != nil {
			t.Fatal(err)
		}
	}
	before := retrieveAll(t, w, "What did the mayor say?", 5)
	if err := w.Merge(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Segments(); n != 1 {
		t.Fatalf("%d segments after Merge", n)
	}
	w.Close()
	r, err := OpenDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	after := retrieveAll(t, r, "What did the mayor say?", 5)
	if len(before) == 0 || !reflect.DeepEqual(attrsOf(before), attrsOf(after)) {
		t.Errorf("attributions before the merge %+v, after it and a reopen %+v", attrsOf(before), attrsOf(after))
	}
	if e, at := findEvidence(after, "“We will rebuild"); at < 0 || e.Speaker() != "Mayor Ana Diaz" {
		t.Errorf("after a merge and a reopen: %+v", after)
	}
}

func attrsOf(ev []newsbot.Evidence) map[string][]newsbot.Attribution {
	m := map[string][]newsbot.Attribution{}
	for _, e := range ev {
		m[e.Sentence] = e.Attributions
	}
	return m
}

// TestAttributionText: the speaker, source and cue as evidence gives
// them: white space collapsed, no control or invisible characters,
// bounded.
func TestAttributionText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Sergei\n  Lavrov", "Sergei Lavrov"},
		{"  the\tmayor ", "the mayor"},
		{"Ana\u200b Diaz\x1b[31m", "Ana Diaz[31m"},
		{strings.Repeat("spokesman ", 30), strings.TrimSpace(strings.Repeat("spokesman ", 12))},
		{strings.Repeat("é", 100), strings.Repeat("é", 60)},
	} {
		if got := cleanAttrText(tt.in); got != tt.want || len(got) > maxAttrText {
			t.Errorf("cleanAttrText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestAttributionsDecoderRefusesCrafted: the decoder checks every count
// and span of the relations against the record and the body.
func TestAttributionsDecoderRefusesCrafted(t *testing.T) {
	good := []attribution.Attribution{
		{Source: []attribution.Span{{Start: 0, End: 3}}, Cue: []attribution.Span{{Start: 4, End: 8}}, Content: []attribution.Span{{Start: 9, End: 20}, {Start: 25, End: 30}}, Speaker: attribution.Span{Start: 0, End: 3}},
		{Content: []attribution.Span{{Start: 31, End: 40}}},
	}
	b := appendAttrs(nil, good, 40)
	got, err := decodeAttrs(b, 40, true)
	if err != nil || !reflect.DeepEqual(got, good) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	// Spans an extractor got wrong are dropped when written.
	bad := []attribution.Attribution{{Content: []attribution.Span{{Start: 30, End: 50}, {Start: 5, End: 2}, {Start: 1, End: 2}}, Speaker: attribution.Span{Start: -1, End: 3}}}
	if got, err := decodeAttrs(appendAttrs(nil, bad, 40), 40, true); err != nil || len(got) != 1 || len(got[0].Content) != 1 || got[0].Speaker != (attribution.Span{}) {
		t.Errorf("spans outside the body written: %+v, %v", got, err)
	}
	for _, tc := range []struct {
		name    string
		b       []byte
		bodyLen int
	}{
		{"a span past the body", b, 39},
		{"trailing bytes", append(append([]byte(nil), b...), 0), 40},
		{"cut short", b[:len(b)-1], 40},
		{"a count of more relations than bytes", []byte{0xff, 0xff, 0x03, 0, 0, 0, 0, 0}, 40},
		{"a count of more spans than bytes", []byte{1, 0x7f, 0, 0, 0, 0}, 40},
		{"a span whose length wraps around", []byte{1, 0, 0, 1, 5, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0, 0}, 40},
		{"a bad varint", []byte{0x80}, 40},
		{"empty", nil, 40},
	} {
		if _, err := decodeAttrs(tc.b, tc.bodyLen, true); !errors.Is(err, errDamaged) {
			t.Errorf("%s: err = %v, want errDamaged", tc.name, err)
		}
		// In a stored record, the article is refused too.
		a := corpus.Article{ID: "x", Body: strings.Repeat("b", tc.bodyLen)}
		rec := appendStored(nil, &a, nil)
		rec = append(rec[:len(rec)-1], tc.b...) // the empty relations replaced
		if _, _, err := decodeStored(rec, tc.bodyLen, true, metaVersion, false); !errors.Is(err, errDamaged) {
			t.Errorf("%s: a stored record holding it: err = %v, want errDamaged", tc.name, err)
		}
	}
}

// TestConvertUpgradesOlderSegments: an index written in segment format 1
// (before attributions) is refused with ErrOldFormat, and Convert (which
// every bot command runs first) rewrites it with its articles' relations.
func TestConvertUpgradesOlderSegments(t *testing.T) {
	arts, _ := bridge()
	dir := t.TempDir()
	// A format-1 segment: stored records end with the text start.
	w, err := newSegWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	w.meta.version = 1
	bl := newBuilder(dir)
	bl.w = w
	an := newAnalyzer(64)
	for _, a := range arts {
		p := an.prepare(&a, nil)
		p.stored = p.stored[:len(p.stored)-1] // no relations: one 0 byte
		if err := bl.add(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := bl.write(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	name := segName(0)
	if _, err := w.finish(name); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, name))
	m := manifest{gen: 1, next: 1, segs: []segEntry{{name: name, size: st.Size(), arts: uint64(len(arts)), sents: uint64(bl.nsent)}}}
	if err := writeManifest(dir, &m); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDisk(dir); !errors.Is(err, ErrOldFormat) {
		t.Fatalf("OpenDisk of format 1: %v, want ErrOldFormat", err)
	}
	if _, err := OpenWriter(dir); !errors.Is(err, ErrOldFormat) {
		t.Fatalf("OpenWriter of format 1: %v, want ErrOldFormat", err)
	}
	converted, err := Convert(context.Background(), dir)
	if err != nil || !converted {
		t.Fatalf("Convert = %v, %v", converted, err)
	}
	ix, err := OpenDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var got []corpus.Article
	for a := range ix.Articles() {
		got = append(got, a)
	}
	if len(got) != len(arts) {
		t.Fatalf("%d articles after Convert, want %d", len(got), len(arts))
	}
	for i := range arts {
		if got[i].ID != arts[i].ID || got[i].Body != arts[i].Body || got[i].Outlet != arts[i].Outlet || !got[i].Published.Equal(arts[i].Published) {
			t.Errorf("article %d after Convert: %+v, want %+v", i, got[i], arts[i])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
		t.Errorf("the format-1 segment is still there: %v", err)
	}
	if again, err := Convert(context.Background(), dir); err != nil || again {
		t.Errorf("Convert of a current index = %v, %v; want false, nil", again, err)
	}
}
