package wrapper

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestParseDate(t *testing.T) {
	good := map[string]Date{
		"2026-10-01": {2026, time.October, 1},
		"2024-02-29": {2024, time.February, 29},
		"0001-01-01": {1, time.January, 1},
		"9999-12-31": {9999, time.December, 31},
	}
	for s, want := range good {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v", s, got, err, want)
		}
		if got.String() != s {
			t.Errorf("String() = %q, want %q", got.String(), s)
		}
	}
	for _, s := range []string{"2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-01-00",
		"0000-01-01", "2026-1-01", "2026/01/01", "2026-01-01T00:00:00Z", "", "２０２６-01-01", "+026-01-01"} {
		if _, err := ParseDate(s); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) err = %v, want ErrInvalidDate", s, err)
		}
	}
}

func TestDateTextAndJSON(t *testing.T) {
	m := map[Date]int{d("2026-01-02"): 1}
	b, err := json.Marshal(struct {
		D Date
		M map[Date]int
	}{d("2026-10-01"), m})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"D":"2026-10-01","M":{"2026-01-02":1}}`; got != want {
		t.Fatalf("json = %s, want %s", got, want)
	}
	var back struct{ D Date }
	if err := json.Unmarshal([]byte(`{"D":"2024-02-29"}`), &back); err != nil || back.D != d("2024-02-29") {
		t.Fatalf("unmarshal = %v, %v", back.D, err)
	}
	if err := json.Unmarshal([]byte(`{"D":"2023-02-29"}`), &back); !errors.Is(err, ErrInvalidDate) {
		t.Fatalf("unmarshal invalid err = %v", err)
	}
	if _, err := (Date{}).MarshalText(); !errors.Is(err, ErrInvalidDate) {
		t.Fatalf("zero MarshalText err = %v", err)
	}
}

func TestDateArithmetic(t *testing.T) {
	cases := []struct {
		got, want Date
	}{
		{d("2024-02-28").AddDays(1), d("2024-02-29")},
		{d("2023-02-28").AddDays(1), d("2023-03-01")},
		{d("2026-12-31").AddDays(1), d("2027-01-01")},
		{d("2026-01-01").AddDays(-1), d("2025-12-31")},
		{d("2026-01-31").AddMonths(1), d("2026-02-28")},
		{d("2024-03-31").AddMonths(-1), d("2024-02-29")},
		{d("2026-05-27").AddMonths(-6), d("2025-11-27")},
		{d("2026-03-15").AddMonths(-15), d("2024-12-15")},
		{d("2026-01-10").AddMonths(-1), d("2025-12-10")},
		{DateOf(time.Date(2026, 3, 1, 23, 30, 0, 0, time.FixedZone("x", -5*3600))), d("2026-03-01")},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %v, want %v", i, c.got, c.want)
		}
	}
	a, b := d("2026-01-01"), d("2026-01-02")
	if !a.Before(b) || a.After(b) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("comparisons wrong")
	}
	if (Date{}).IsValid() {
		t.Error("zero Date is valid")
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-10-01", "2024-02-29", "2026-02-30", "0000-00-00", "9999-12-31", "abcd-ef-gh"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDate(s)
		ref, refErr := time.Parse("2006-01-02", s)
		if err != nil {
			if got != (Date{}) {
				t.Fatalf("error with non-zero date %v", got)
			}
			// time.Parse is laxer only in ways ParseDate rejects on purpose
			// (none for this layout except year 0000).
			if refErr == nil && ref.Year() != 0 {
				t.Fatalf("ParseDate(%q) = %v but time.Parse accepts it", s, err)
			}
			return
		}
		if refErr != nil || DateOf(ref) != got {
			t.Fatalf("ParseDate(%q) = %v, time.Parse = %v, %v", s, got, ref, refErr)
		}
		if !got.IsValid() || got.String() != s {
			t.Fatalf("round trip %q -> %v", s, got)
		}
	})
}
