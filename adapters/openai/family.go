package openai

import "strings"

// Family is what the bot knows of a family of models: the sampling its
// makers recommend, and how it takes a prompt. The bot reads it from the
// model's name; Config's fields override it.
//
// The figures are the makers' published recommendations where they give
// them for this kind of task, and the bot's low temperature for grounded
// answers elsewhere:
//
//   - GPT-4o, GPT-4o-mini, GPT-4.1 (OpenAI): temperature 0.2.
//   - o1, o3, o4, GPT-5 (OpenAI reasoning): the server's own sampling; the
//     limit counts reasoning tokens.
//   - DeepSeek-R1 and its distills: temperature 0.6, top_p 0.95, no system
//     prompt (its rules open the user message), room to reason (DeepSeek's
//     model card).
//   - QwQ, Qwen3 in thinking mode: temperature 0.6, top_p 0.95, room to
//     reason; not greedy decoding, which loops (Qwen's model cards).
//   - Qwen3 Instruct-2507 (no thinking): temperature 0.7, top_p 0.8.
//   - Magistral: temperature 0.7, top_p 0.95, room to reason (Mistral).
//   - gpt-oss: temperature 1.0, top_p 1.0, room to reason (OpenAI).
//   - Mistral Small, Nemo, 7B, Mixtral: temperature 0.15 (Mistral's advice
//     for Mistral Small 3; low for the others too).
//   - Llama 3.x, Qwen2.5, Gemma and any other: temperature 0.2.
type Family struct {
	// Name names the family.
	Name string
	// Temperature and TopP are the sampling; TopP 0 sends none.
	Temperature, TopP float32
	// MaxTokens bounds a reply, reasoning included.
	MaxTokens int
	// SystemInUser puts the system message at the head of the first user
	// message, for families whose makers advise against a system prompt.
	SystemInUser bool
}

// families are matched in order against the lower-cased model name; the
// first whose any pattern it contains wins.
var families = []struct {
	patterns []string
	family   Family
}{
	{[]string{"deepseek-r1", "r1-distill", "deepseek-reasoner"}, Family{"deepseek-r1", 0.6, 0.95, DefaultReasoningMaxTokens, true}},
	{[]string{"qwq"}, Family{"qwq", 0.6, 0.95, DefaultReasoningMaxTokens, false}},
	{[]string{"qwen3-instruct", "instruct-2507"}, Family{"qwen3-instruct", 0.7, 0.8, DefaultMaxTokens, false}},
	{[]string{"qwen3"}, Family{"qwen3", 0.6, 0.95, DefaultReasoningMaxTokens, false}},
	{[]string{"magistral"}, Family{"magistral", 0.7, 0.95, DefaultReasoningMaxTokens, false}},
	{[]string{"gpt-oss"}, Family{"gpt-oss", 1.0, 1.0, DefaultReasoningMaxTokens, false}},
	{[]string{"mistral", "mixtral", "ministral"}, Family{"mistral", 0.15, 0, DefaultMaxTokens, false}},
	{[]string{"gpt-5", "o1", "o3", "o4"}, Family{"openai-reasoning", DefaultTemperature, 0, DefaultReasoningMaxTokens, false}},
	{[]string{"llama"}, Family{"llama", DefaultTemperature, 0, DefaultMaxTokens, false}},
	{[]string{"qwen"}, Family{"qwen2.5", DefaultTemperature, 0, DefaultMaxTokens, false}},
	{[]string{"gpt-4", "gpt-3.5"}, Family{"openai", DefaultTemperature, 0, DefaultMaxTokens, false}},
}

// FamilyOf returns the family of the named model; a model of no known
// family gets the defaults.
func FamilyOf(model string) Family {
	m := strings.ToLower(model)
	for _, f := range families {
		for _, p := range f.patterns {
			if strings.Contains(m, p) {
				if p == "o1" || p == "o3" || p == "o4" {
					// "o1" only as a name of its own: "o1-mini", not "foo1".
					if !strings.HasPrefix(m, p) && !strings.Contains(m, "/"+p) {
						continue
					}
				}
				return f.family
			}
		}
	}
	return Family{Name: "other", Temperature: DefaultTemperature, MaxTokens: DefaultMaxTokens}
}
