package wpimport_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/qalamnews/qalam/internal/storetest"
	"github.com/qalamnews/qalam/internal/wpimport"
)

// generate writes a WordPress export of a fictional site, the Qalampur
// Courier, with the given numbers of posts and comments (spread evenly,
// a third of them replies), in English and Urdu, as WordPress 6.1 writes
// them: classic and block content, shortcodes, a bare & here and there.
func generate(w io.Writer, posts, comments int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprint(bw, `<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
	<title>Qalampur Courier</title>
	<link>http://courier.example</link>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>http://courier.example</wp:base_site_url>
	<wp:base_blog_url>http://courier.example</wp:base_blog_url>
`)
	desks := []string{"hina", "omar", "sara", "tariq"}
	for i, login := range desks {
		fmt.Fprintf(bw, "\t<wp:author><wp:author_id>%d</wp:author_id><wp:author_login><![CDATA[%s]]></wp:author_login><wp:author_display_name><![CDATA[%s Desk]]></wp:author_display_name></wp:author>\n", i+2, login, strings.ToUpper(login[:1])+login[1:])
	}
	sections := []string{"city", "schools", "water", "markets", "urdu"}
	for i, s := range sections {
		fmt.Fprintf(bw, "\t<wp:category><wp:term_id>%d</wp:term_id><wp:category_nicename><![CDATA[%s]]></wp:category_nicename><wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[%s]]></wp:cat_name></wp:category>\n", i+2, s, strings.ToUpper(s[:1])+s[1:])
	}
	for i := range 20 {
		fmt.Fprintf(bw, "\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug><![CDATA[topic-%d]]></wp:tag_slug><wp:tag_name><![CDATA[Topic %d]]></wp:tag_name></wp:tag>\n", 100+i, i, i)
	}
	commentID := 1
	for p := range posts {
		id := 1000 + p
		day := time.Date(2015, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(p) * 7 * time.Hour)
		urdu := p%5 == 4
		title := fmt.Sprintf("Qalampur council report number %d", p)
		body := fmt.Sprintf("The council met on %s to discuss the water supply for ward %d.\n\nResidents asked for <strong>weekly</strong> updates and a public meeting.\n\n[caption id=\"attachment_1\" width=\"800\"]<img src=\"http://courier.example/wp-content/uploads/2015/01/ward-%d.jpg\" alt=\"Ward office\" /> The ward office.[/caption]\n\nSee <a href=\"http://courier.example/?p=%d\">the earlier report</a>.", day.Format("2 January"), p%40, p%40, 1000+max(p-1, 0))
		if urdu {
			title = fmt.Sprintf("قلم پور میں پانی کی فراہمی: رپورٹ %d", p)
			body = "<!-- wp:paragraph -->\n<p>شہر کے وارڈ میں پانی کی فراہمی کے بارے میں اجلاس ہوا۔ شہریوں نے ہفتہ وار رپورٹ کا مطالبہ کیا 👍</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:list -->\n<ul><li>پہلا نکتہ</li><li>دوسرا نکتہ</li></ul>\n<!-- /wp:list -->"
		}
		section := sections[p%4]
		if urdu {
			section = "urdu"
		}
		fmt.Fprintf(bw, `	<item>
		<title><![CDATA[%s]]></title>
		<link>http://courier.example/%s/report-%d/</link>
		<dc:creator><![CDATA[%s]]></dc:creator>
		<content:encoded><![CDATA[%s]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>%d</wp:post_id>
		<wp:post_date><![CDATA[%s]]></wp:post_date>
		<wp:post_date_gmt><![CDATA[%s]]></wp:post_date_gmt>
		<wp:comment_status><![CDATA[open]]></wp:comment_status>
		<wp:post_name><![CDATA[report-%d]]></wp:post_name>
		<wp:status><![CDATA[publish]]></wp:status>
		<wp:post_type><![CDATA[post]]></wp:post_type>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="%s"><![CDATA[%s]]></category>
		<category domain="post_tag" nicename="topic-%d"><![CDATA[Topic %d]]></category>
`, title, day.Format("2006/01/02"), p, desks[p%4], body, id, day.Format(time.DateTime), day.Format(time.DateTime), p, section, section, p%20, p%20)
		n := comments / posts
		if p < comments%posts {
			n++
		}
		first := commentID
		for c := range n {
			parent := 0
			if c%3 == 2 {
				parent = first + c - 1
			}
			text := fmt.Sprintf("Thank you for the report on ward %d. The taps on our street ran dry twice last week.", p%40)
			if c%4 == 3 {
				text = "بہت اچھی رپورٹ، شکریہ۔ ہمارے محلے میں بھی یہی مسئلہ ہے 🙏"
			}
			url := ""
			if c%7 == 0 {
				url = fmt.Sprintf("https://reader%d.example.org/notes?id=%d&lang=en", c, p) // bare &, as WordPress writes it
			}
			fmt.Fprintf(bw, `		<wp:comment>
			<wp:comment_id>%d</wp:comment_id>
			<wp:comment_author><![CDATA[Reader %d]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[reader%d@example.org]]></wp:comment_author_email>
			<wp:comment_author_url>%s</wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[203.0.113.%d]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[%s]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[%s]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[%s]]></wp:comment_content>
			<wp:comment_approved><![CDATA[%d]]></wp:comment_approved>
			<wp:comment_type><![CDATA[comment]]></wp:comment_type>
			<wp:comment_parent>%d</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>
`, commentID, c, commentID%500, url, commentID%250, day.Add(time.Duration(c)*time.Minute).Format(time.DateTime),
				day.Add(time.Duration(c)*time.Minute).Format(time.DateTime), text, min(c%9, 1), parent)
			commentID++
		}
		fmt.Fprint(bw, "\t</item>\n")
	}
	fmt.Fprint(bw, "</channel>\n</rss>\n")
	return bw.Flush()
}

func TestGenerate_IsAnExportTheImporterReads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "courier.xml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := generate(f, 12, 50); err != nil {
		t.Fatal(err)
	}
	f.Close()
	st := openStore(t)
	report, err := wpimport.Import(context.Background(), st, path, wpimport.Options{HashAddress: hashAddr})
	if err != nil {
		t.Fatal(err)
	}
	if report.Kinds["posts"].New != 12 || report.Kinds["comments"].New != 50 || report.Repairs[0].Count != 12 {
		t.Errorf("posts %+v, comments %+v, repairs %+v", report.Kinds["posts"], report.Kinds["comments"], report.Repairs)
	}
}

// BenchmarkImport imports generated exports of two sizes, ten times apart,
// into a fresh store each time, and reports the peak of the Go heap (and
// of the process's resident memory): memory stays flat as files grow.
//
//	go test -run XXX -bench Import -benchtime 1x ./internal/wpimport/
func BenchmarkImport(b *testing.B) {
	for _, size := range []struct{ posts, comments int }{{1000, 10000}, {10000, 100000}} {
		b.Run(fmt.Sprintf("posts=%d,comments=%d", size.posts, size.comments), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "courier.xml")
			f, err := os.Create(path)
			if err != nil {
				b.Fatal(err)
			}
			if err := generate(f, size.posts, size.comments); err != nil {
				b.Fatal(err)
			}
			f.Close()
			info, _ := os.Stat(path)
			var peak atomic.Uint64
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				st := storetest.Open(b)
				runtime.GC()
				stop := watchHeap(&peak)
				before := cpuTime()
				b.StartTimer()
				report, err := wpimport.Import(context.Background(), st, path, wpimport.Options{HashAddress: hashAddr})
				b.StopTimer()
				cpu += cpuTime() - before
				stop()
				if err != nil {
					b.Fatal(err)
				}
				if report.Kinds["posts"].New != size.posts || report.Kinds["comments"].New != size.comments {
					b.Fatalf("imported %+v posts, %+v comments", report.Kinds["posts"], report.Kinds["comments"])
				}
				b.StartTimer()
			}
			// CPU time as well as the time on the clock: on a shared machine
			// the clock also counts other processes' turns.
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(info.Size())/(1<<20), "file-MiB")
			b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
			b.ReportMetric(peakRSS()/(1<<10), "peak-rss-MiB")
		})
	}
}

// watchHeap samples the heap in use until stopped, keeping the peak.
func watchHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// peakRSS is the process's peak resident memory in KiB (Linux), or 0.
func peakRSS() float64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return n
		}
	}
	return 0
}
