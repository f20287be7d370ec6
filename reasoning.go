package newsbot

import (
	"strings"
	"unicode/utf8"
)

// Reasoning models write their reasoning into the reply, between tags
// (DeepSeek-R1 and its distills, Qwen3 and QwQ: <think>...</think>;
// Magistral: [THINK]...[/THINK]; others <thinking>, <reasoning>,
// <|begin_of_thought|>...). None of it is ever checked, kept or streamed:
// the reply is the text outside those blocks. A block not yet closed hides
// everything after its opening tag, so a streamed reply shows nothing
// while the model thinks; a closing tag with no opening one (the chat
// templates that open the block in the prompt, so that the reply starts
// inside it) makes everything before it reasoning.

// reasoningTags are the pairs of tags that enclose reasoning, in lower
// case (tags are matched regardless of case).
var reasoningTags = [][2]string{
	{"<think>", "</think>"},
	{"<thinking>", "</thinking>"},
	{"<thought>", "</thought>"},
	{"<reasoning>", "</reasoning>"},
	{"<reflection>", "</reflection>"},
	{"<scratchpad>", "</scratchpad>"},
	{"<seed:think>", "</seed:think>"},
	{"<|begin_of_thought|>", "<|end_of_thought|>"},
	{"[think]", "[/think]"},
	{"◁think▷", "◁/think▷"},
	// gpt-oss's harmony format, from a server that does not parse it.
	{"<|channel|>analysis<|message|>", "<|end|>"},
}

// wrapperTags are removed and their content kept: tags around the answer
// itself, and chat-template tokens that a misconfigured server lets through.
var wrapperTags = []string{
	"<answer>", "</answer>", "<|begin_of_solution|>", "<|end_of_solution|>", "<output>", "</output>",
	"<response>", "</response>", "<final_answer>", "</final_answer>",
	"<|start|>assistant<|channel|>final<|message|>", "<|channel|>final<|message|>", "<|return|>",
	"<|start_header_id|>assistant<|end_header_id|>", "<|im_start|>assistant",
	"<|im_end|>", "<|eot_id|>", "<|end|>", "<|endoftext|>", "</s>",
}

// reasoningFilter removes reasoning from a reply as it arrives. Feed it the
// whole reply so far each time; it reads only what is new.
type reasoningFilter struct {
	pos     int             // reply[:pos] is read
	visible strings.Builder // the reply outside reasoning, so far
	inside  int             // the reasoning block being read (index into reasoningTags), or -1
	// tagged is true once any reasoning tag was seen: the reply is then
	// known to mark its reasoning.
	tagged bool
	// orphan is true when a closing tag came with no opening one: what was
	// visible before it was reasoning after all.
	orphan bool
	// removed counts the bytes of reasoning removed.
	removed int
}

func newReasoningFilter() *reasoningFilter { return &reasoningFilter{inside: -1} }

// feed reads reply (which begins with every earlier one) up to what can be
// decided: a possible tag cut at the end waits for more, unless final.
func (f *reasoningFilter) feed(reply string, final bool) {
	if !final {
		// A character cut in two waits for its other half.
		for k := 1; k <= 3 && k <= len(reply)-f.pos; k++ {
			if utf8.RuneStart(reply[len(reply)-k]) {
				if !utf8.FullRuneInString(reply[len(reply)-k:]) {
					reply = reply[:len(reply)-k]
				}
				break
			}
		}
	}
	for f.pos < len(reply) {
		rest := reply[f.pos:]
		if f.inside >= 0 {
			closeTag := reasoningTags[f.inside][1]
			if i := indexFold(rest, closeTag); i >= 0 {
				f.removed += i + len(closeTag)
				f.pos += i + len(closeTag)
				f.inside = -1
				continue
			}
			// Keep the tail that could be the start of the closing tag.
			keep := min(len(rest), len(closeTag)-1)
			if final {
				keep = 0
			}
			f.removed += len(rest) - keep
			f.pos += len(rest) - keep
			return
		}
		i := strings.IndexAny(rest, "<[◁")
		if i < 0 {
			f.visible.WriteString(rest)
			f.pos = len(reply)
			return
		}
		f.visible.WriteString(rest[:i])
		f.pos += i
		rest = rest[i:]
		n, kind, partial := matchTag(rest)
		switch {
		case partial && !final:
			return
		case kind == tagOpen:
			f.tagged = true
			f.inside = n
			f.removed += len(reasoningTags[n][0])
			f.pos += len(reasoningTags[n][0])
		case kind == tagClose:
			// A closing tag with no opening one: the reply began inside
			// the block.
			f.tagged, f.orphan = true, true
			f.removed += f.visible.Len() + len(reasoningTags[n][1])
			f.visible.Reset()
			f.pos += len(reasoningTags[n][1])
		case kind == tagWrapper:
			f.pos += len(wrapperTags[n])
		default:
			_, size := firstRune(rest)
			f.visible.WriteString(rest[:size])
			f.pos += size
		}
	}
}

// thinking reports whether the reply is inside a reasoning block.
func (f *reasoningFilter) thinking() bool { return f.inside >= 0 }

const (
	tagNone = iota
	tagOpen
	tagClose
	tagWrapper
)

// matchTag reads the tag that s starts with: which one, and whether it
// opens or closes reasoning or wraps the answer. partial is true when s is
// shorter than a tag it could be the start of.
func matchTag(s string) (n, kind int, partial bool) {
	for i, t := range reasoningTags {
		for k, tag := range t {
			if hasPrefixFold(s, tag) {
				return i, tagOpen + k, false
			}
			partial = partial || len(s) < len(tag) && hasPrefixFold(tag[:len(s)], s)
		}
	}
	for i, tag := range wrapperTags {
		if hasPrefixFold(s, tag) {
			return i, tagWrapper, false
		}
		partial = partial || len(s) < len(tag) && hasPrefixFold(tag[:len(s)], s)
	}
	return 0, tagNone, partial
}

// stripReasoning returns a whole reply without its reasoning.
func stripReasoning(reply string) string {
	f := newReasoningFilter()
	f.feed(reply, true)
	return f.visible.String()
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case; prefix is lower
// case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if lowerASCII(s[i]) != lowerASCII(prefix[i]) {
			return false
		}
	}
	return true
}

// indexFold is strings.Index ignoring ASCII case; sub is lower case.
func indexFold(s, sub string) int {
	if sub == "" {
		return 0
	}
	first := sub[0]
	for i := 0; i+len(sub) <= len(s); i++ {
		if lowerASCII(s[i]) == first && hasPrefixFold(s[i:], sub) {
			return i
		}
	}
	return -1
}

func lowerASCII(b byte) byte {
	if b >= 'A' && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

func firstRune(s string) (rune, int) {
	for i, r := range s {
		if i > 0 {
			return r, i
		}
	}
	return 0, len(s)
}

// reasoningOpeners are how reasoning begins when the reply starts inside
// a block whose opening tag was in the prompt: a streamed reply that
// begins like this is held back until the block closes or the reply ends,
// and a reply that begins like this and has no tag at all is reasoning
// only (a model in answer mode does not open with "Okay, so I need to").
var reasoningOpeners = []string{
	"okay", "ok,", "ok so", "ok.", "alright", "all right", "hmm", "let me", "let's", "lets ", "i need", "i should",
	"i'll", "i will", "i must", "i think", "i'm ", "i am ", "i have to", "so, ", "so the ", "so i ", "so let",
	"first, i", "first, let", "the user", "we need", "we are asked", "we have to", "wait", "well, ", "thinking",
	"to answer this", "to determine", "to figure", "looking at the evidence", "the question", "first, let", "first, i",
}

// mayBeReasoning reports whether a reply without reasoning tags starts the
// way reasoning does, or is too short yet to tell.
func mayBeReasoning(visible string) bool {
	v := strings.TrimLeft(visible, " \t\r\n*_#>")
	if len(v) < 12 && !strings.ContainsAny(v, ".!?\n") {
		return true
	}
	return opensLikeReasoning(v)
}

// opensLikeReasoning reports whether a reply opens the way reasoning does.
func opensLikeReasoning(visible string) bool {
	v := strings.TrimLeft(visible, " \t\r\n*_#>")
	for _, o := range reasoningOpeners {
		if hasPrefixFold(v, o) {
			return true
		}
	}
	return false
}
