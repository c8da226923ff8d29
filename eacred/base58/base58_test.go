package base58

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

func TestEncodeDecode(t *testing.T) {
	tests := []struct {
		hex, enc string
	}{
		{"", ""},
		{"00", "1"},
		{"0000", "11"},
		{"61", "2g"},
		{"626262", "a3gV"},
		{"636363", "aPEr"},
		{"48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"},
		{"0000287fb4cd", "11233QC4"},
		{"ff", "5Q"},
		{"0100", "5R"},
	}
	for _, tc := range tests {
		b, _ := hex.DecodeString(tc.hex)
		if got := Encode(b); got != tc.enc {
			t.Errorf("Encode(%s) = %q, want %q", tc.hex, got, tc.enc)
		}
		got, err := Decode(tc.enc)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("Decode(%q) = %x, %v, want %s", tc.enc, got, err, tc.hex)
		}
	}
}

func TestDecodeInvalidChar(t *testing.T) {
	for _, s := range []string{"0", "1O", "abcl", "I", "a b", "\xff"} {
		_, err := Decode(s)
		var ice *InvalidCharError
		if !errors.As(err, &ice) || !errors.Is(err, ErrInvalidCharacter) {
			t.Errorf("Decode(%q) err = %v, want InvalidCharError", s, err)
		}
	}
}

func TestCheckDecodeErrors(t *testing.T) {
	good := CheckEncode([]byte("payload"), [2]byte{0x07, 0x3f})
	bad := []byte(good)
	// Change the last character to another alphabet character.
	if bad[len(bad)-1] == 'z' {
		bad[len(bad)-1] = 'y'
	} else {
		bad[len(bad)-1] = 'z'
	}
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrInvalidFormat},
		{"1111", ErrInvalidFormat},
		{Encode([]byte{1, 2, 3, 4, 5}), ErrInvalidFormat},
		{string(bad), ErrChecksum},
		{good + "0", ErrInvalidCharacter},
	}
	for _, tc := range tests {
		if _, _, err := CheckDecode(tc.in); !errors.Is(err, tc.want) {
			t.Errorf("CheckDecode(%q) err = %v, want %v", tc.in, err, tc.want)
		}
	}
	p, id, err := CheckDecode(good)
	if err != nil || string(p) != "payload" || id != [2]byte{0x07, 0x3f} {
		t.Fatalf("CheckDecode(good) = %q %x %v", p, id, err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add("2NEpo7TZRRrLZSi2U")
	f.Add("11233QC4")
	f.Add("Axk2WA6L")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 256 { // quadratic; real inputs are at most 111 characters
			return
		}
		b, err := Decode(s)
		if err != nil {
			return
		}
		if got := Encode(b); got != s {
			t.Fatalf("Encode(Decode(%q)) = %q", s, got)
		}
	})
}

func FuzzEncode(f *testing.F) {
	f.Add([]byte{0, 0, 1, 2})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 192 { // quadratic; real inputs are at most 82 bytes
			return
		}
		got, err := Decode(Encode(b))
		if err != nil || !bytes.Equal(got, b) {
			t.Fatalf("Decode(Encode(%x)) = %x, %v", b, got, err)
		}
	})
}
