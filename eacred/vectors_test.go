package eacred_test

// The vector walker: TestVectors reads every *.json file of the vector
// directory (testdata/vectors, or $EACRED_VECTORS), splits each file into
// sections, and runs the handler registered for (file, section) on it.
//
// Metadata is skipped: the keys "source" and "notes", keys ending in
// "_source", and any key whose value is a plain JSON string. Every other key
// is a section. A file or section nobody registered fails the test, so new
// data is never silently ignored; a registered section that is absent from
// the directory is fine (another directory may hold a subset).
//
// Handlers live next to the code they test: vectors_keys_test.go (keys,
// addresses, params) and vectors_tx_test.go (scripts, transactions, money).
// They register themselves from init functions with register.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// sectionHandler runs every case of one section. raw is the section's JSON
// value exactly as it appears in the file.
type sectionHandler func(t *testing.T, raw json.RawMessage)

// handlers maps file name (e.g. "addresses.json") to section to handler.
var handlers = map[string]map[string]sectionHandler{}

// register installs the handler of one (file, section). file is the base
// name including ".json". Registering twice is a programming error.
func register(file, section string, fn func(t *testing.T, raw json.RawMessage)) {
	if handlers[file] == nil {
		handlers[file] = map[string]sectionHandler{}
	}
	if _, dup := handlers[file][section]; dup {
		panic("vectors: duplicate handler for " + file + "/" + section)
	}
	handlers[file][section] = fn
}

// vectorsDir returns the directory to walk.
func vectorsDir() string {
	if d := os.Getenv("EACRED_VECTORS"); d != "" {
		return d
	}
	return filepath.Join("testdata", "vectors")
}

// isMetadata reports whether a top-level key is metadata rather than a
// section.
func isMetadata(key string, value json.RawMessage) bool {
	if key == "source" || key == "notes" || strings.HasSuffix(key, "_source") {
		return true
	}
	v := bytes.TrimSpace(value)
	return len(v) > 0 && v[0] == '"'
}

// readSections parses one vector file into its sections.
func readSections(t *testing.T, path string) map[string]json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatalf("%s: not a JSON object: %v", path, err)
	}
	sections := map[string]json.RawMessage{}
	for k, v := range top {
		if !isMetadata(k, v) {
			sections[k] = v
		}
	}
	return sections
}

func TestVectors(t *testing.T) { walkVectors(t, vectorsDir()) }

// TestVectorsTestOnly walks testdata/vectors_testonly: cases in the
// published schema for code paths the published copy has no case of (the
// P2SH address of a redeem script, upstream's other constructor names).
func TestVectorsTestOnly(t *testing.T) { walkVectors(t, filepath.Join("testdata", "vectors_testonly")) }

// walkVectors runs every section of every *.json file of dir.
func walkVectors(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *.json vector files in %s", dir)
	}
	sort.Strings(files)
	for _, path := range files {
		file := filepath.Base(path)
		sections := readSections(t, path)
		names := make([]string, 0, len(sections))
		for s := range sections {
			names = append(names, s)
		}
		sort.Strings(names)
		for _, section := range names {
			key := file + "/" + section
			fn := handlers[file][section]
			if fn == nil {
				t.Errorf("unknown vector section %s: no handler registered", key)
				continue
			}
			raw := sections[section]
			t.Run(strings.TrimSuffix(file, ".json")+"/"+section, func(t *testing.T) {
				fn(t, raw)
			})
		}
	}
}

// TestWalkerRejectsUnknown checks the walker's metadata rule and that an
// unregistered section would be reported.
func TestWalkerRejectsUnknown(t *testing.T) {
	dir := t.TempDir()
	body := `{"source":"x","notes":["a"],"x_source":["b"],"title":"plain","cases":[1,2]}`
	path := filepath.Join(dir, "made_up.json")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	got := readSections(t, path)
	if len(got) != 1 || got["cases"] == nil {
		t.Fatalf("sections = %v, want only \"cases\"", got)
	}
	if handlers["made_up.json"]["cases"] != nil {
		t.Fatal("made-up section unexpectedly has a handler")
	}
}

// decodeStrict unmarshals raw into v, failing on fields v does not declare,
// so that a new field in the vectors is never ignored silently.
func decodeStrict(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode vectors: %v", err)
	}
}
