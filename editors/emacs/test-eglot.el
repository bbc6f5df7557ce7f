;;; test-eglot.el --- smoke test: eglot attaches bucketguard and shows its findings  -*- lexical-binding: t -*-
;; Usage: WORK=<folder with cfn/bad.yaml> PATH=<folder of bucketguard>:$PATH \
;;        emacs -Q --batch -l editors/emacs/test-eglot.el
;; Uses the setup of editors/README.md (eglot-server-programs entry).
;; Debian's elpa-* packages are not activated with -Q: add them to load-path
;; (project/xref/seq first so the newer ELPA versions shadow Emacs 28's own).
(dolist (d (directory-files "/usr/share/emacs/site-lisp/elpa" t "^[a-z]"))
  (add-to-list 'load-path d))
(require 'eglot)
(require 'yaml-mode)
(require 'flymake)
(setq eglot-sync-connect t)

;; The configuration from editors/README.md:
(add-to-list 'eglot-server-programs '((yaml-mode json-mode js-json-mode) "bucketguard" "server"))

(add-hook 'project-find-functions (lambda (dir) (cons 'transient dir)))
(defvar bg-passed 0)
(defvar bg-failed 0)
(defun bg-check (name ok &optional detail)
  (if ok
      (progn (setq bg-passed (1+ bg-passed)) (princ (format "ok - %s\n" name)))
    (setq bg-failed (1+ bg-failed))
    (princ (format "not ok - %s\n  %S\n" name detail))))
(defun bg-finish ()
  (princ (format "emacs: %d passed, %d failed\n" bg-passed bg-failed))
  (kill-emacs (if (and (= bg-failed 0) (> bg-passed 0)) 0 1)))

(defun bg-expected (code)
  "Lines (1-based) of the caret markers for CODE in the current buffer."
  (let (lines last)
    (save-excursion
      (goto-char (point-min))
      (while (not (eobp))
        (let ((line (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
          (if (string-match "^# *\\^+ \\([^ ]+\\) *$" line)
              (when (equal (match-string 1 line) code) (push last lines))
            (setq last (line-number-at-pos))))
        (forward-line 1)))
    (sort lines #'<)))

(condition-case err
    (progn
      (find-file (expand-file-name "cfn/bad.yaml" (getenv "WORK")))
      (yaml-mode)
      ;; eglot-ensure waits for the next command, which never comes in batch mode.
      (apply #'eglot (eglot--guess-contact))
      (with-timeout (20 (bg-check "eglot connects" nil "timeout") (bg-finish))
        (while (not (eglot-current-server)) (accept-process-output nil 0.1)))
      (bg-check "eglot connects to bucketguard"
                (equal "bucketguard" (plist-get (eglot--server-info (eglot-current-server)) :name)))
      (flymake-mode 1)
      (let ((expected (bg-expected "S3-111"))
            (s3-111 (lambda ()
                      (sort (mapcar (lambda (d) (line-number-at-pos (flymake-diagnostic-beg d)))
                                    (seq-filter (lambda (d) (string-match-p "S3-111" (flymake-diagnostic-text d)))
                                                (flymake-diagnostics)))
                            #'<))))
        (with-timeout (20 (bg-check "S3-111 diagnostics arrive" nil (funcall s3-111)) (bg-finish))
          (while (not (equal (funcall s3-111) expected))
            (flymake-start)
            (accept-process-output nil 0.1)))
        (bg-check "flymake shows the S3-111 findings on the marked lines"
                  (and (>= (length expected) 5) (equal (funcall s3-111) expected)) expected)
        (goto-char (point-min))
        (forward-line (1- (car expected)))
        (re-search-forward "PublicRead")
        (backward-char 2)
        (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                       (eglot--TextDocumentPositionParams)))
               (text (plist-get (plist-get hover :contents) :value)))
          (bg-check "hover shows the rule documentation"
                    (and (stringp text) (string-match-p "S3-111" text)) text))))
  (error (bg-check "no Lisp error" nil err)))
(bg-finish)
