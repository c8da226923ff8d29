package models_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/eacred/dcrstakepool/models"
	"github.com/eacred/dcrstakepool/models/dbtest"
)

// TestUserReadsWholeRow: every read that returns one user (by id, by
// email, the last pool user) gives back exactly the row written, each
// field holding its own column (every field of the user differs, so a
// scan into the wrong field or a missed column shows).
func TestUserReadsWholeRow(t *testing.T) {
	dbtest.ForEachEngine(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		var want models.User
		v := reflect.ValueOf(&want).Elem()
		for i := 0; i < v.NumField(); i++ {
			switch f := v.Field(i); f.Kind() {
			case reflect.Int64:
				f.SetInt(int64(1000 + i))
			case reflect.String:
				f.SetString("value of " + v.Type().Field(i).Name)
			case reflect.Bool:
				f.SetBool(true)
			default:
				t.Fatalf("field %s: set a value for kind %v here", v.Type().Field(i).Name, f.Kind())
			}
		}
		want.ID, want.Email, want.DeletedAt = 0, "whole@example.com", 0
		// An older pool user first, so LastPoolUser has to pick.
		if err := s.CreateUser(ctx, &models.User{Email: "old@example.com", MultiSigAddress: "Sc0"}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateUser(ctx, &want); err != nil {
			t.Fatal(err)
		}
		reads := map[string]func() (*models.User, error){
			"UserByID":     func() (*models.User, error) { return s.UserByID(ctx, want.ID) },
			"UserByEmail":  func() (*models.User, error) { return s.UserByEmail(ctx, "WHOLE@example.com") },
			"LastPoolUser": func() (*models.User, error) { return s.LastPoolUser(ctx) },
		}
		for name, read := range reads {
			got, err := read()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if *got != want {
				t.Errorf("%s:\n got %+v\nwant %+v", name, *got, want)
			}
		}
	})
}
