package qalam_test

import (
	"testing"

	"github.com/qalamnews/qalam"
)

func TestCan_Matrix(t *testing.T) {
	own := func(s qalam.ArticleStatus) qalam.Target { return qalam.Target{Own: true, Status: s} }
	other := func(s qalam.ArticleStatus) qalam.Target { return qalam.Target{Status: s} }
	tests := []struct {
		act    qalam.Action
		target qalam.Target
		// allowed for admin, editor, author, moderator
		want [4]bool
	}{
		{qalam.ActViewDashboard, qalam.Target{}, [4]bool{true, true, true, true}},
		{qalam.ActManageOwnAccount, qalam.Target{}, [4]bool{true, true, true, true}},
		{qalam.ActListArticles, qalam.Target{}, [4]bool{true, true, true, false}},
		{qalam.ActCreateArticle, qalam.Target{}, [4]bool{true, true, true, false}},
		{qalam.ActEditArticle, own(qalam.Draft), [4]bool{true, true, true, false}},
		{qalam.ActEditArticle, other(qalam.Draft), [4]bool{true, true, false, false}},
		{qalam.ActEditArticle, own(qalam.Published), [4]bool{true, true, false, false}},
		{qalam.ActEditArticle, own(qalam.Scheduled), [4]bool{true, true, false, false}},
		{qalam.ActSubmitArticle, own(qalam.Draft), [4]bool{true, true, true, false}},
		{qalam.ActSubmitArticle, other(qalam.Draft), [4]bool{true, true, false, false}},
		{qalam.ActPublishArticle, own(qalam.Submitted), [4]bool{true, true, false, false}},
		{qalam.ActDeleteArticle, own(qalam.Draft), [4]bool{true, true, true, false}},
		{qalam.ActDeleteArticle, own(qalam.Published), [4]bool{true, true, false, false}},
		{qalam.ActPreviewLink, own(qalam.Draft), [4]bool{true, true, true, false}},
		{qalam.ActPreviewLink, other(qalam.Draft), [4]bool{true, true, false, false}},
		{qalam.ActViewRevisions, other(qalam.Published), [4]bool{true, true, false, false}},
		{qalam.ActRestoreRevision, own(qalam.Published), [4]bool{true, true, false, false}},
		{qalam.ActAddCorrection, own(qalam.Published), [4]bool{true, true, false, false}},
		{qalam.ActEditAuthor, qalam.Target{Own: true}, [4]bool{true, true, true, false}},
		{qalam.ActEditAuthor, qalam.Target{}, [4]bool{true, true, false, false}},
		{qalam.ActManageTaxonomy, qalam.Target{}, [4]bool{true, true, false, false}},
		{qalam.ActUploadMedia, qalam.Target{}, [4]bool{true, true, true, false}},
		{qalam.ActEditMedia, qalam.Target{Own: true}, [4]bool{true, true, true, false}},
		{qalam.ActEditMedia, qalam.Target{}, [4]bool{true, true, false, false}},
		{qalam.ActModerate, qalam.Target{}, [4]bool{true, true, false, true}},
		{qalam.ActBanCommenter, qalam.Target{}, [4]bool{true, true, false, true}},
		{qalam.ActManageWordLists, qalam.Target{}, [4]bool{true, true, false, true}},
		{qalam.ActManageDiscussion, qalam.Target{}, [4]bool{true, true, false, false}},
		{qalam.ActManageDiscussion, own(qalam.Published), [4]bool{true, true, false, false}},
		{qalam.ActManageUsers, qalam.Target{}, [4]bool{true, false, false, false}},
		{qalam.ActManageSettings, qalam.Target{}, [4]bool{true, false, false, false}},
		{"unknown_action", qalam.Target{}, [4]bool{false, false, false, false}},
	}
	covered := map[qalam.Action]bool{}
	for _, tt := range tests {
		covered[tt.act] = true
		for i, role := range qalam.Roles {
			u := &qalam.User{Role: role}
			if got := qalam.Can(u, tt.act, tt.target); got != tt.want[i] {
				t.Errorf("%s %s %+v = %v, want %v", role, tt.act, tt.target, got, tt.want[i])
			}
		}
		if qalam.Can(nil, tt.act, tt.target) {
			t.Errorf("signed-out visitor may %s", tt.act)
		}
		if qalam.Can(&qalam.User{Role: qalam.RoleAdmin, Disabled: true}, tt.act, tt.target) {
			t.Errorf("disabled admin may %s", tt.act)
		}
	}
	for _, a := range qalam.Actions {
		if !covered[a] {
			t.Errorf("action %s is not in the matrix", a)
		}
	}
}

func TestArticleStatus_CanBecome(t *testing.T) {
	tests := []struct {
		from, to qalam.ArticleStatus
		want     bool
	}{
		{qalam.Draft, qalam.Submitted, true},
		{qalam.Draft, qalam.Published, true},
		{qalam.Draft, qalam.Unpublished, false},
		{qalam.Submitted, qalam.Scheduled, true},
		{qalam.Scheduled, qalam.Published, true},
		{qalam.Scheduled, qalam.Submitted, false},
		{qalam.Published, qalam.Unpublished, true},
		{qalam.Published, qalam.Draft, false},
		{qalam.Unpublished, qalam.Published, true},
		{qalam.Published, qalam.Published, false},
	}
	for _, tt := range tests {
		if got := tt.from.CanBecome(tt.to); got != tt.want {
			t.Errorf("%s to %s = %v, want %v", tt.from, tt.to, got, tt.want)
		}
	}
}
