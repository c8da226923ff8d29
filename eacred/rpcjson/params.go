package rpcjson

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// MarshalParams encodes positional parameters. A json.RawMessage is used
// verbatim. Pass only the parameters to send: trailing optional ones are
// left out, never sent as null.
func MarshalParams(params ...any) ([]json.RawMessage, error) {
	out := make([]json.RawMessage, len(params))
	for i, p := range params {
		if raw, ok := p.(json.RawMessage); ok {
			out[i] = raw
			continue
		}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("parameter #%d: %w", i+1, err)
		}
		out[i] = b
	}
	return out, nil
}

// Param describes one positional parameter for UnmarshalParams.
type Param struct {
	Name string // name used in error messages, e.g. "verbose"
	Dst  any    // pointer to the destination
}

// UnmarshalParams decodes positional params into dst pointers, the first
// required of them mandatory. Absent optional params (and explicit nulls)
// leave their destination untouched, so callers preset defaults. Errors are
// the node's -8 parse failures:
//
//	Failed to parse request: wrong number of params (expected between 1 and 2, received 0)
//	Failed to parse request: parameter #2 'verbose' must be type int (got bool)
func UnmarshalParams(raw []json.RawMessage, required int, params ...Param) *RPCError {
	if len(raw) < required || len(raw) > len(params) {
		if required == len(params) {
			return ErrParamParse("wrong number of params (expected %d, received %d)", required, len(raw))
		}
		return ErrParamParse("wrong number of params (expected between %d and %d, received %d)",
			required, len(params), len(raw))
	}
	for i, r := range raw {
		p := params[i]
		if string(r) == "null" && i >= required {
			continue
		}
		if err := json.Unmarshal(r, p.Dst); err != nil {
			return ErrParamParse("parameter #%d '%s' must be type %s (got %s)",
				i+1, p.Name, goTypeName(p.Dst), jsonTypeName(r, err))
		}
	}
	return nil
}

func goTypeName(dst any) string {
	t := reflect.TypeOf(dst)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "unknown"
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		return t.String()
	}
	return t.Kind().String()
}

func jsonTypeName(raw json.RawMessage, err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Value
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "invalid JSON"
	}
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "object"
}
