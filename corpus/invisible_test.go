package corpus

import "testing"

func TestIsInvisible(t *testing.T) {
	for _, r := range []rune{0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0x2061, 0x2064, 0xFEFF, 0x00AD,
		0x202A, 0x202E, 0x2066, 0x2069, 0x180E, 0x034F, 0x3164, 0xE0001} {
		if !IsInvisible(r) {
			t.Errorf("IsInvisible(%U) = false", r)
		}
	}
	for _, r := range []rune{'a', ' ', '\n', '\t', 0x00A0, 0x2009, 0x2013, 0x2014, 0x201C, 'é', 'Ж', '中', 0x1F600, 0xFE0F, 0x2028} {
		if IsInvisible(r) {
			t.Errorf("IsInvisible(%U) = true", r)
		}
	}
}
