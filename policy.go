package qalam

// Action is something staff do in the newsroom. Every admin route names the
// action it performs, and Can decides it: the one place the rule of who may
// do what lives.
type Action string

// Newsroom actions.
const (
	ActViewDashboard    Action = "view_dashboard"     // the admin home, own account page
	ActManageOwnAccount Action = "manage_own_account" // own password and two-factor sign-in; the only action open to someone who must still turn two-factor on
	ActListArticles     Action = "list_articles"
	ActCreateArticle    Action = "create_article"
	ActEditArticle      Action = "edit_article"    // change text and settings
	ActSubmitArticle    Action = "submit_article"  // send for review
	ActPublishArticle   Action = "publish_article" // publish, schedule, unpublish, return to draft
	ActDeleteArticle    Action = "delete_article"
	ActPreviewLink      Action = "preview_link" // create or revoke a draft's preview link
	ActViewRevisions    Action = "view_revisions"
	ActRestoreRevision  Action = "restore_revision"
	ActAddCorrection    Action = "add_correction"
	ActEditAuthor       Action = "edit_author" // an author profile
	ActManageTaxonomy   Action = "manage_taxonomy"
	ActUploadMedia      Action = "upload_media"
	ActEditMedia        Action = "edit_media" // alt text, caption, credit, delete
	ActModerate         Action = "moderate"   // the discussion
	ActBanCommenter     Action = "ban_commenter"
	ActManageWordLists  Action = "manage_word_lists" // the terms that hold or reject a comment
	ActManageDiscussion Action = "manage_discussion" // discussion policies: site, category, tag, article
	ActManageUsers      Action = "manage_users"
	ActManageSettings   Action = "manage_settings"
)

// Actions lists every action, for tests that walk the whole matrix.
var Actions = []Action{
	ActViewDashboard, ActManageOwnAccount, ActListArticles, ActCreateArticle, ActEditArticle,
	ActSubmitArticle, ActPublishArticle, ActDeleteArticle, ActPreviewLink, ActViewRevisions,
	ActRestoreRevision, ActAddCorrection, ActEditAuthor, ActManageTaxonomy, ActUploadMedia,
	ActEditMedia, ActModerate, ActBanCommenter, ActManageWordLists, ActManageDiscussion,
	ActManageUsers, ActManageSettings,
}

// Target is what an action is done to, for the rules that depend on it.
// The zero Target means "none in particular" (lists, creation).
type Target struct {
	// Own is true when the object belongs to the user: an article whose
	// byline holds the user's author profile, the user's own profile or
	// upload.
	Own bool
	// Status is the article's status, for article actions.
	Status ArticleStatus
}

// Can reports whether u may perform act on t. A nil or disabled user may do
// nothing; an unknown action is refused (fail closed).
func Can(u *User, act Action, t Target) bool {
	if u == nil || u.Disabled {
		return false
	}
	switch u.Role {
	case RoleAdmin:
		return knownAction(act)
	case RoleEditor:
		return knownAction(act) && act != ActManageUsers && act != ActManageSettings
	case RoleModerator:
		// Moderators keep the discussion clean: the queue, bans and the
		// word lists. How a discussion runs (pre-moderated, when it
		// closes) is an editorial decision, not theirs.
		switch act {
		case ActViewDashboard, ActManageOwnAccount, ActModerate, ActBanCommenter, ActManageWordLists:
			return true
		}
		return false
	case RoleAuthor:
		return authorCan(act, t)
	}
	return false
}

// authorCan is the author's rule: write and submit their own articles,
// never publish; once an article is out of their hands (scheduled or
// published), editors own it.
func authorCan(act Action, t Target) bool {
	inHand := t.Status == "" || t.Status == Draft || t.Status == Submitted || t.Status == Unpublished
	switch act {
	case ActViewDashboard, ActManageOwnAccount, ActListArticles, ActCreateArticle, ActUploadMedia:
		return true
	case ActEditArticle, ActSubmitArticle, ActRestoreRevision:
		return t.Own && inHand
	case ActDeleteArticle:
		return t.Own && (t.Status == Draft || t.Status == Submitted)
	case ActPreviewLink, ActViewRevisions, ActEditAuthor, ActEditMedia:
		return t.Own
	}
	return false
}

func knownAction(act Action) bool {
	for _, a := range Actions {
		if a == act {
			return true
		}
	}
	return false
}
