package models

import (
	"reflect"
	"testing"
)

// TestUserFieldsFollowTags: the hand-written scan list (User.fields) points
// at every field of User in the struct's order, so userColumns (from the db
// tags) names what each pointer receives.
func TestUserFieldsFollowTags(t *testing.T) {
	var u User
	fs := u.fields()
	v := reflect.ValueOf(&u).Elem()
	if len(fs) != v.NumField() || len(userColumns) != v.NumField() {
		t.Fatalf("User has %d fields, fields() lists %d, userColumns %d", v.NumField(), len(fs), len(userColumns))
	}
	for i, p := range fs {
		if reflect.ValueOf(p).Pointer() != v.Field(i).Addr().Pointer() {
			t.Errorf("fields()[%d] does not point at User.%s (column %s)", i, v.Type().Field(i).Name, userColumns[i])
		}
	}
	if userColumns[0] != "id" || userColumns[1] != "email" {
		t.Errorf("userColumns = %v", userColumns)
	}
}

// TestSettingValuesFollowColumns: settingValues gives each setting of a
// record in the order of settingColumns, so SetVotingPrefs writes every
// setting into its own column (a user whose fields all differ is turned
// into a record and back into column values).
func TestSettingValuesFollowColumns(t *testing.T) {
	u := distinctUser(t)
	vals := settingValues(u.Prefs())
	if len(vals) != len(settingColumns) {
		t.Fatalf("settingValues gives %d values for %d columns", len(vals), len(settingColumns))
	}
	for i, at := range columnsAt(settingColumns) {
		want := reflect.ValueOf(u.fields()[at]).Elem().Interface()
		if vals[i] != want {
			t.Errorf("setting %s: value %v (%T), the column holds %v (%T)", settingColumns[i], vals[i], vals[i], want, want)
		}
	}
}

// TestPrefsReadsItsColumns: Prefs uses only the columns PoolPrefs selects
// (a user scanned from those columns alone gives the same preferences as
// the whole row).
func TestPrefsReadsItsColumns(t *testing.T) {
	full := distinctUser(t)
	var part User
	src, dst := full.fieldsAt(prefsAt), part.fieldsAt(prefsAt)
	for i := range src {
		reflect.ValueOf(dst[i]).Elem().Set(reflect.ValueOf(src[i]).Elem())
	}
	if part.Prefs() != full.Prefs() {
		t.Errorf("prefs from %v: %+v, from the whole row: %+v", prefColumns, part.Prefs(), full.Prefs())
	}
	full = User{ID: 7, MultiSigAddress: "Sc1", VoteBits: 5, VoteBitsVersion: 10}
	if p := full.Prefs(); p.UserID != 7 || p.MultisigAddress != "Sc1" || p.VoteBits != 5 || p.VoteBitsVersion != 10 {
		t.Errorf("Prefs() = %+v", p)
	}
}

// distinctUser returns a User whose every field holds its own non-zero
// value, so a column left out of a list shows.
func distinctUser(t *testing.T) User {
	var u User
	for i, p := range u.fields() {
		switch f := reflect.ValueOf(p).Elem(); f.Kind() {
		case reflect.Int64:
			f.SetInt(int64(100 + i))
		case reflect.String:
			f.SetString(userColumns[i])
		case reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("column %s: set a value for kind %v here", userColumns[i], f.Kind())
		}
	}
	return u
}
