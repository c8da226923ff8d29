package system

import (
	"bytes"
	"fmt"
	"html/template"
	"reflect"
	"sync"
)

// maxFragments bounds the fragments kept per parse of the templates;
// beyond it a fragment is executed on every call (a visitor asking for
// ever new paths must not grow memory).
const maxFragments = 512

// fragments executes named templates of the layout and partials for the
// template function fragment, and keeps each output by (name, data): a
// fragment's output depends only on its data, so the same data always
// gives the same bytes. The data must be comparable (a struct of strings
// and booleans, not pointers or maps): it is the key, and a template that
// reads anything else has nothing else to read.
type fragments struct {
	set *template.Template // layout and partials (set once parsed)

	mu   sync.RWMutex
	done map[fragmentKey]template.HTML
}

// plainTypes caches plainData's answers by type.
var plainTypes sync.Map // reflect.Type -> bool

// plainData reports whether values of t are made of strings, numbers and
// booleans only (through structs and arrays): equal values then always
// read the same, so a value can key a fragment's output. Pointers,
// interfaces, maps, slices and functions could change behind an equal
// key.
func plainData(t reflect.Type) bool {
	if t == nil {
		return false
	}
	if v, ok := plainTypes.Load(t); ok {
		return v.(bool)
	}
	ok := false
	switch t.Kind() {
	case reflect.Bool, reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		ok = true
	case reflect.Array:
		ok = plainData(t.Elem())
	case reflect.Struct:
		ok = true
		for i := 0; i < t.NumField() && ok; i++ {
			ok = plainData(t.Field(i).Type)
		}
	}
	plainTypes.Store(t, ok)
	return ok
}

type fragmentKey struct {
	name string
	data any
}

func newFragments() *fragments {
	return &fragments{done: make(map[fragmentKey]template.HTML)}
}

// execute is the template function fragment: the output of template name
// for data, as HTML to be written as it is (it was escaped when executed,
// in the HTML text context a fragment is written into).
func (f *fragments) execute(name string, data any) (template.HTML, error) {
	if !plainData(reflect.TypeOf(data)) {
		return "", fmt.Errorf("fragment %q: data of type %T cannot be a key (use a struct of strings, numbers and booleans)", name, data)
	}
	k := fragmentKey{name, data}
	f.mu.RLock()
	out, ok := f.done[k]
	f.mu.RUnlock()
	if ok {
		return out, nil
	}
	var b bytes.Buffer
	if err := f.set.ExecuteTemplate(&b, name, data); err != nil {
		return "", fmt.Errorf("fragment %q: %w", name, err)
	}
	out = template.HTML(b.String())
	f.mu.Lock()
	if len(f.done) < maxFragments {
		f.done[k] = out
	}
	f.mu.Unlock()
	return out, nil
}
