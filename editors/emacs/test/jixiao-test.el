;;; jixiao-test.el --- Batch tests of jixiao.el -*- lexical-binding: t; -*-

;; emacs --batch -Q -l editors/emacs/test/jixiao-test.el
;;
;; Checks jixiao-mode (file association, highlighting, comments, indentation, RET on `>' lines,
;; imenu) and, when eglot is available and the server binary ($JIXIAO_BIN, else target/debug/jixiao)
;; has an `lsp' subcommand, a real eglot session: connect, publishDiagnostics, hover, and a separate
;; `eglot-shutdown' (eglot 1.9, Debian 12's elpa-eglot for Emacs 28, sends `shutdown' with "params": null).
;; Prints one line, e.g. "emacs: 9 passed, 0 failed" and exits non-zero on failure.

;;; Code:

(require 'ert)
(require 'cl-lib)
(require 'imenu)

;; eglot: built in from Emacs 29; on Debian's Emacs 28 it is the package elpa-eglot, which -Q does not
;; activate. Activate packages from the system folder without touching ~/.emacs.d.
(unless (locate-library "eglot")
  (require 'package)
  (dolist (dir '("/usr/share/emacs/site-lisp/elpa" "/usr/local/share/emacs/site-lisp/elpa"))
    (when (file-directory-p dir)
      (add-to-list 'package-directory-list dir)))
  (let ((package-user-dir (make-temp-file "jixiao-test-elpa" t)))
    (package-initialize)
    (delete-directory package-user-dir t)))

(defconst jixiao-test--root
  (expand-file-name "../../.." (file-name-directory (or load-file-name buffer-file-name))))

(add-to-list 'load-path (expand-file-name "editors/emacs" jixiao-test--root))
(require 'jixiao)

(defconst jixiao-test--sample
  (mapconcat
   #'identity
   '("# 测试文件：资金合计不符"
     "表: 绩效目标申报表"
     "年度: 2025"
     ""
     "项目: 宣传与推广"
     "  项目性质: 其他经常性项目"
     "  资金:"
     "    年度资金申请总额: 300,000.00"
     "    当年财政拨款: 250,000.00"
     "    上年结转资金: 0.00"
     "    其他资金: 0.00"
     "  年度总体目标:"
     "    > 彩色宣传页发放40000人，"
     "  产出指标:"
     "    数量指标:"
     "      彩色宣传页发放数量: ≥40000.00(张)"
     "      备注: 值里的 # 不是注释"
     "  满意度指标:"
     "    服务对象满意度指标:"
     "      满意度: $\\geq 90.00\\%$"
     "")
   "\n"))

(defconst jixiao-test--total-line 7 "0-based line of 年度资金申请总额.")

(defvar jixiao-test--dir (make-temp-file "jixiao-test" t))

(defun jixiao-test--open (&optional name)
  "Visit a fresh copy of the sample as NAME in the temp folder."
  (let ((file (expand-file-name (or name "test.jixiao") jixiao-test--dir)))
    (with-temp-file file (insert jixiao-test--sample))
    (let ((buf (find-file-noselect file)))
      (with-current-buffer buf (font-lock-ensure))
      buf)))

(defun jixiao-test--face-at (text &optional nth)
  "Face at the NTH occurrence of TEXT in the current buffer."
  (save-excursion
    (goto-char (point-min))
    (dotimes (_ (1+ (or nth 0))) (search-forward text))
    (let ((face (get-text-property (match-beginning 0) 'face)))
      (if (consp face) (car face) face))))

(ert-deftest jixiao-test-auto-mode ()
  (with-current-buffer (jixiao-test--open)
    (should (eq major-mode 'jixiao-mode))
    (kill-buffer)))

(ert-deftest jixiao-test-font-lock ()
  (with-current-buffer (jixiao-test--open)
    (should (eq (jixiao-test--face-at "#") 'font-lock-comment-delimiter-face))
    (should (eq (jixiao-test--face-at "表") 'font-lock-preprocessor-face))
    (should (eq (jixiao-test--face-at "绩效目标申报表") 'font-lock-constant-face))
    (should (eq (jixiao-test--face-at "项目:") 'font-lock-keyword-face))
    (should (eq (jixiao-test--face-at "宣传与推广") 'font-lock-function-name-face))
    (should (eq (jixiao-test--face-at "项目性质") 'font-lock-builtin-face))
    (should (eq (jixiao-test--face-at "年度资金申请总额") 'font-lock-builtin-face))
    (should (eq (jixiao-test--face-at "300,000.00") 'font-lock-constant-face))
    (should (eq (jixiao-test--face-at ">") 'font-lock-builtin-face))
    (should (eq (jixiao-test--face-at "彩色宣传页发放40000人") 'font-lock-doc-face))
    (should (eq (jixiao-test--face-at "产出指标") 'jixiao-level1-face))
    (should (eq (jixiao-test--face-at "数量指标") 'font-lock-type-face))
    (should (eq (jixiao-test--face-at "彩色宣传页发放数量") 'font-lock-variable-name-face))
    (should (eq (jixiao-test--face-at "≥") 'font-lock-keyword-face))
    (should (eq (jixiao-test--face-at "40000.00") 'font-lock-constant-face))
    (should (eq (jixiao-test--face-at "(张)") 'font-lock-type-face))
    (should (eq (jixiao-test--face-at "$\\geq") 'font-lock-warning-face))
    (kill-buffer)))

(ert-deftest jixiao-test-comments ()
  (with-current-buffer (jixiao-test--open)
    (goto-char (point-min))
    (search-forward "测试")
    (should (nth 4 (syntax-ppss)))
    (search-forward "值里的 #")
    (should-not (nth 4 (syntax-ppss)))
    (should (equal comment-start "# "))
    (kill-buffer)))

(ert-deftest jixiao-test-indentation ()
  (with-temp-buffer
    (jixiao-mode)
    (insert "项目: 甲\n项目性质: 其他\n资金:\n年度资金申请总额: 1.00\n")
    (indent-region (point-min) (point-max))
    (should (equal (buffer-string) "项目: 甲\n  项目性质: 其他\n  资金:\n    年度资金申请总额: 1.00\n"))))

(ert-deftest jixiao-test-newline-continues-text ()
  (with-temp-buffer
    (jixiao-mode)
    (insert "  年度总体目标:")
    (jixiao-newline)
    (should (equal (buffer-string) "  年度总体目标:\n    > "))
    (insert "第一行")
    (jixiao-newline)
    (should (equal (buffer-string) "  年度总体目标:\n    > 第一行\n    > "))))

(ert-deftest jixiao-test-imenu ()
  (with-current-buffer (jixiao-test--open)
    (let ((index (funcall imenu-create-index-function)))
      (should (assoc "宣传与推广" (cdr (assoc "项目" index)))))
    (kill-buffer)))

(ert-deftest jixiao-test-eglot-registration ()
  (skip-unless (require 'eglot nil t))
  (should (assq 'jixiao-mode eglot-server-programs))
  (should (equal (cdr (assq 'jixiao-mode eglot-server-programs)) '("jixiao" "lsp"))))

;;; A real eglot session with the server

(defvar jixiao-test--skip-reason nil "Why the eglot session was skipped.")

(defun jixiao-test--server-binary ()
  "The server binary, or nil (the reason goes to `jixiao-test--skip-reason')."
  (let ((bin (let ((env (getenv "JIXIAO_BIN")))
               (if (and env (not (string= env ""))) env
                 (expand-file-name "target/debug/jixiao" jixiao-test--root)))))
    (cond ((not (file-executable-p bin))
           (setq jixiao-test--skip-reason (format "no jixiao binary at %s" bin)) nil)
          ((not (string-match-p "\\_<lsp\\_>"
                                (with-temp-buffer
                                  (ignore-errors (call-process bin nil t nil "--help"))
                                  (buffer-string))))
           (setq jixiao-test--skip-reason (format "%s has no `lsp' subcommand" bin)) nil)
          (t bin))))

(defvar jixiao-test--diagnostics nil)

(defmacro jixiao-test--with-session (bin name server-var &rest body)
  "Visit a copy of the sample as NAME, connect eglot to BIN as SERVER-VAR, run BODY.
Afterwards the server process is stopped (if BODY did not) and the buffer killed."
  (declare (indent 3))
  (let ((buf (make-symbol "buf")))
    `(let* ((eglot-server-programs (list (list 'jixiao-mode ,bin "lsp")))
            (eglot-sync-connect 10)
            (eglot-connect-timeout 20)
            (,buf (jixiao-test--open ,name))
            (,server-var nil))
       (unwind-protect
           (with-current-buffer ,buf
             (setq ,server-var (apply #'eglot--connect (eglot--guess-contact)))
             (should ,server-var)
             (should (eglot-managed-p))
             ,@body)
         (when (and ,server-var (jsonrpc-running-p ,server-var))
           ;; not the subject of this test: stop the server whatever it answers to `shutdown'
           (condition-case nil (eglot-shutdown ,server-var) (error nil))
           (when (jsonrpc-running-p ,server-var) (jsonrpc-shutdown ,server-var t)))
         (kill-buffer ,buf)))))

(defun jixiao-test--eglot-available ()
  (unless (require 'eglot nil t)
    (setq jixiao-test--skip-reason "eglot not available"))
  (featurep 'eglot))

(ert-deftest jixiao-test-eglot-session ()
  "Connect, receive diagnostics (funding-sum on the total's line), hover."
  (skip-unless (jixiao-test--eglot-available))
  (let ((bin (jixiao-test--server-binary)))
    (skip-unless bin)
    (let* ((uri (concat "file://" (expand-file-name "eglot.jixiao" jixiao-test--dir)))
           (record (lambda (_server method &rest params)
                     (when (and (eq method 'textDocument/publishDiagnostics)
                                (equal (plist-get params :uri) uri))
                       (setq jixiao-test--diagnostics (plist-get params :diagnostics))))))
      (advice-add 'eglot-handle-notification :before record)
      (unwind-protect
          (jixiao-test--with-session bin "eglot.jixiao" server
            ;; diagnostics for the file, with funding-sum on the total's line
            (with-timeout (20 (ert-fail "no publishDiagnostics within 20 s"))
              (while (not (and jixiao-test--diagnostics (> (length jixiao-test--diagnostics) 0)))
                (accept-process-output nil 0.05)))
            (should (cl-some (lambda (d)
                               (and (equal (plist-get d :code) "funding-sum")
                                    (= (plist-get (plist-get (plist-get d :range) :start) :line)
                                       jixiao-test--total-line)))
                             (append jixiao-test--diagnostics nil)))
            ;; hover on the amount
            (goto-char (point-min))
            (search-forward "300,000")
            (let* ((hover (jsonrpc-request server :textDocument/hover
                                           (eglot--TextDocumentPositionParams)))
                   (contents (plist-get hover :contents)))
              (should contents)
              (should (string-match-p "[^[:space:]]"
                                      (format "%s" (if (stringp contents) contents
                                                     (or (plist-get contents :value) contents)))))))
        (advice-remove 'eglot-handle-notification record)))))

(ert-deftest jixiao-test-eglot-shutdown ()
  "`eglot-shutdown' succeeds: the server answers eglot's `shutdown' request.
Eglot 1.9 (Debian 12's elpa-eglot for Emacs 28) sends it as
{\"jsonrpc\":\"2.0\",\"id\":N,\"method\":\"shutdown\",\"params\":null}; the server must answer
{\"result\":null}, not an error."
  (skip-unless (jixiao-test--eglot-available))
  (let ((bin (jixiao-test--server-binary)))
    (skip-unless bin)
    (jixiao-test--with-session bin "shutdown.jixiao" server
      (let ((err (condition-case e (progn (eglot-shutdown server nil 5) nil)
                   (jsonrpc-error e))))
        (when err
          (ert-fail (list "the server answered eglot's shutdown request (\"params\": null) with an error"
                          (cdr err)))))
      (should-not (jsonrpc-running-p server)))))

;;; Runner

(let* ((stats (ert-run-tests-batch t))
       (passed (ert-stats-completed-expected stats))
       (failed (ert-stats-completed-unexpected stats))
       (skipped (ert-stats-skipped stats)))
  (delete-directory jixiao-test--dir t)
  (princ (format "emacs: %d passed, %d failed%s\n" passed failed
                 (cond (jixiao-test--skip-reason
                        (format ", eglot session skipped (%s)" jixiao-test--skip-reason))
                       ((> skipped 0) (format ", %d skipped" skipped))
                       (t ""))))
  (kill-emacs (if (> failed 0) 1 0)))

;;; jixiao-test.el ends here
