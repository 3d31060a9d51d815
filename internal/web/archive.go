package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/qalamnews/qalam"
	"github.com/qalamnews/qalam/internal/store"
	"github.com/qalamnews/qalam/internal/view"
)

// archiveStore is what the front page, the lists, the archive and the
// article pages' translations need from the database.
type archiveStore interface {
	FrontPage(ctx context.Context, latest, perSection int) (store.FrontPage, error)
	ListPublished(ctx context.Context, f store.ListFilter, after store.Cursor, limit int) (store.Listing, error)
	ArchiveMonths(ctx context.Context) ([]store.ArchiveMonth, error)
	Translation(ctx context.Context, articleID int64) (*qalam.Article, error)
	Setting(ctx context.Context, key string) (string, error)
}

// monthPath is the archive page of t's month.
func monthPath(t time.Time) string {
	return fmt.Sprintf("/archive/%04d/%02d", t.Year(), int(t.Month()))
}

// showArchive serves the archive's index: every month with articles, by
// year, newest first.
func (s *Site) showArchive(w http.ResponseWriter, r *http.Request) error {
	return s.serveShared(w, r, "site/archive", func(ctx context.Context) (any, error) {
		months, err := s.store.ArchiveMonths(ctx)
		if err != nil {
			return nil, err
		}
		p := view.ArchivePage{Page: s.page(ctx)}
		for _, m := range months {
			if n := len(p.Years); n == 0 || p.Years[n-1].Year != m.Month.Year() {
				p.Years = append(p.Years, view.ArchiveYear{Year: m.Month.Year()})
			}
			y := &p.Years[len(p.Years)-1]
			y.Months = append(y.Months, view.MonthLink{Month: m.Month, Href: monthPath(m.Month), Count: m.Count})
		}
		p.Title = view.Message(p.Language(), "archive")
		p.Description = view.Message(p.Language(), "archive_intro")
		p.Canonical = s.opts.BaseURL + "/archive"
		s.describeListing(&p.Page, r, "", nil) // meta.go
		return p, nil
	})
}

// showArchiveMonth lists a month's articles, newest first, paged like
// every list, with links to the neighbouring months that have articles.
func (s *Site) showArchiveMonth(w http.ResponseWriter, r *http.Request) error {
	month, ok := parseMonth(r.PathValue("year"), r.PathValue("month"))
	if !ok {
		return notFound(w, r)
	}
	return s.serveList(w, r, func(ctx context.Context) (listSpec, error) {
		months, err := s.store.ArchiveMonths(ctx)
		if err != nil {
			return listSpec{}, err
		}
		p := view.ListPage{Page: s.page(ctx), Kind: "month", Month: month}
		found := false
		for i, m := range months { // newest first
			if !m.Month.Equal(month) {
				continue
			}
			found = true
			if i > 0 {
				p.Later = &view.MonthLink{Month: months[i-1].Month, Href: monthPath(months[i-1].Month), Count: months[i-1].Count}
			}
			if i+1 < len(months) {
				p.Earlier = &view.MonthLink{Month: months[i+1].Month, Href: monthPath(months[i+1].Month), Count: months[i+1].Count}
			}
		}
		if !found {
			return listSpec{}, qalam.Errorf(qalam.KindNotFound, "Nothing was published that month.")
		}
		p.Title = view.FormatMonth(p.Language(), month)
		return listSpec{page: p, filter: store.ListFilter{From: month, To: month.AddDate(0, 1, 0)}}, nil
	})
}

// parseMonth reads the year and month of an archive address, written as
// monthPath writes them (so each month has one address).
func parseMonth(year, month string) (time.Time, bool) {
	if len(year) != 4 || len(month) != 2 || strings.Trim(year+month, "0123456789") != "" {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(year)
	m, _ := strconv.Atoi(month)
	if y < 1000 || m < 1 || m > 12 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), true
}
