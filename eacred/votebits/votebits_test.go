package votebits_test

import (
	"errors"
	"testing"

	"github.com/eacred/dcrstakepool/eacred/chaincfg"
	"github.com/eacred/dcrstakepool/eacred/votebits"
)

func agendas(t testing.TB, p *chaincfg.Params, v uint32) []chaincfg.Agenda {
	t.Helper()
	a, err := votebits.AgendasFor(p, v)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestBuildDescribe(t *testing.T) {
	main := chaincfg.MainNetParams()
	tests := []struct {
		version uint32
		choices map[string]string
		want    uint16
	}{
		{11, map[string]string{"maxtreasuryspend": "yes"}, 0x0005},
		{11, map[string]string{"maxtreasuryspend": "no"}, 0x0003},
		{11, map[string]string{"maxtreasuryspend": "abstain"}, 0x0001},
		{11, nil, 0x0001},
		{10, map[string]string{"blake3pow": "yes", "changesubsidysplitr2": "yes"}, 0x0045},
	}
	for _, tc := range tests {
		a := agendas(t, main, tc.version)
		got, err := votebits.Build(tc.choices, a)
		if err != nil || got != tc.want {
			t.Errorf("v%d %v: %#04x %v, want %#04x", tc.version, tc.choices, got, err, tc.want)
			continue
		}
		if err := votebits.Validate(got, a); err != nil {
			t.Errorf("built bits invalid: %v", err)
		}
		desc, err := votebits.Describe(got, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, ag := range a {
			want := tc.choices[ag.ID]
			if want == "" {
				want = "abstain"
			}
			if desc[ag.ID] != want {
				t.Errorf("describe %#04x: %s=%s want %s", got, ag.ID, desc[ag.ID], want)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	a := agendas(t, chaincfg.MainNetParams(), 10) // masks 0x06 and 0x60
	tests := []struct {
		bits uint16
		want error
	}{
		{0x0001, nil},
		{0x0003, nil},
		{0x0045, nil},
		{0x0000, votebits.ErrBlockBitUnset},
		{0x0004, votebits.ErrBlockBitUnset},
		{0x0007, votebits.ErrInvalidChoice}, // both bits of mask 0x06
		{0x0061, votebits.ErrInvalidChoice},
		{0x0009, votebits.ErrStrayBits},
		{0x8001, votebits.ErrStrayBits},
	}
	for _, tc := range tests {
		err := votebits.Validate(tc.bits, a)
		if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("%#04x: %v want %v", tc.bits, err, tc.want)
		}
	}
	var ve *votebits.Error
	if err := votebits.Validate(0x0007, a); !errors.As(err, &ve) || ve.Agenda != "blake3pow" {
		t.Errorf("invalid choice error names %+v", ve)
	}
	// With no agendas only bit 0 is allowed.
	if err := votebits.Validate(0x0001, nil); err != nil {
		t.Error(err)
	}
	if err := votebits.Validate(0x0003, nil); !errors.Is(err, votebits.ErrStrayBits) {
		t.Errorf("no agendas: %v", err)
	}
}

// TestAbstainAlwaysValid: masked bits of 0 abstain on an agenda even when
// its choices list no abstain (an agenda from another source), and abstain
// is described as such.
func TestAbstainAlwaysValid(t *testing.T) {
	a := []chaincfg.Agenda{{ID: "x", Mask: 0x06, Choices: []chaincfg.Choice{
		{ID: "no", Bits: 0x02, IsNo: true}, {ID: "yes", Bits: 0x04}}}}
	for _, bits := range []uint16{0x0001, 0x0003, 0x0005} {
		if err := votebits.Validate(bits, a); err != nil {
			t.Errorf("%#04x: %v", bits, err)
		}
	}
	if err := votebits.Validate(0x0007, a); !errors.Is(err, votebits.ErrInvalidChoice) {
		t.Errorf("0x0007: %v", err)
	}
	if d, err := votebits.Describe(0x0001, a); err != nil || d["x"] != "abstain" {
		t.Errorf("Describe = %v, %v", d, err)
	}
}

func TestBuildErrors(t *testing.T) {
	a := agendas(t, chaincfg.MainNetParams(), 11)
	if _, err := votebits.Build(map[string]string{"nosuch": "yes"}, a); !errors.Is(err, votebits.ErrUnknownAgenda) {
		t.Errorf("unknown agenda: %v", err)
	}
	if _, err := votebits.Build(map[string]string{"maxtreasuryspend": "maybe"}, a); !errors.Is(err, votebits.ErrUnknownChoice) {
		t.Errorf("unknown choice: %v", err)
	}
	if _, err := votebits.AgendasFor(chaincfg.MainNetParams(), 999); !errors.Is(err, votebits.ErrUnknownVersion) {
		t.Errorf("unknown version: %v", err)
	}
	if _, err := votebits.Describe(0x0000, a); !errors.Is(err, votebits.ErrBlockBitUnset) {
		t.Errorf("describe invalid: %v", err)
	}
}

// Every agenda choice of every known version and network builds bits that
// validate and describe back to the same choice.
func TestAllAgendasRoundTrip(t *testing.T) {
	for _, p := range chaincfg.All() {
		for _, v := range p.VoteVersions() {
			a := agendas(t, p, v)
			for _, ag := range a {
				for _, c := range ag.Choices {
					bits, err := votebits.Build(map[string]string{ag.ID: c.ID}, a)
					if err != nil {
						t.Fatalf("%s v%d %s/%s: %v", p.Name, v, ag.ID, c.ID, err)
					}
					d, err := votebits.Describe(bits, a)
					if err != nil || d[ag.ID] != c.ID {
						t.Fatalf("%s v%d %s/%s: %#04x -> %v %v", p.Name, v, ag.ID, c.ID, bits, d, err)
					}
				}
			}
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	a := agendas(b, chaincfg.MainNetParams(), 10)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := votebits.Validate(0x0045, a); err != nil {
			b.Fatal(err)
		}
	}
}
