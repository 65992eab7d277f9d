;;; jixiao.el --- Major mode for jixiao (绩效) files -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "26.1"))
;; Keywords: languages
;; SPDX-License-Identifier: MIT OR Apache-2.0

;;; Commentary:

;; `jixiao-mode' for *.jixiao files, the plain-text format for Chinese fiscal project
;; performance forms (绩效目标申报表, 绩效自评表): highlighting, `#' comments, indentation,
;; RET continuing a `>' free-text line, an imenu index of projects, and registration of the
;; language server (`jixiao lsp') with eglot.
;;
;; 安装 / Install:
;;
;;   (add-to-list 'load-path "/path/to/jixiao/editors/emacs")
;;   (require 'jixiao)
;;   (add-hook 'jixiao-mode-hook #'eglot-ensure)   ; start the language server automatically
;;
;; Settings for the server (answered on workspace/configuration, section "jixiao"), e.g. in the
;; project's .dir-locals.el:
;;
;;   ((jixiao-mode . ((eglot-workspace-configuration
;;                     . (:jixiao (:profile "shanghai-2025"
;;                                 :rules (:satisfaction-low "off")))))))

;;; Code:

(require 'rx)

(defgroup jixiao nil
  "Major mode for jixiao (绩效) files."
  :group 'languages
  :prefix "jixiao-")

(defcustom jixiao-indent-offset 2
  "Indentation of one level in jixiao files (the canonical style uses 2)."
  :type 'integer
  :safe #'integerp)

(defconst jixiao-header-keys '("表" "年度" "单位" "指标体系")
  "Keys of the file header.")

(defconst jixiao-fields
  '("项目性质" "项目类别" "主管部门" "实施单位" "计划开始日期" "计划完成日期" "资金"
    "年度总体目标" "预算目标" "实际完成情况" "总分" "年度资金申请总额" "年度资金总额"
    "当年财政拨款" "上年结转资金" "其他资金" "年初预算数" "全年预算数" "全年执行数"
    "分值" "执行率" "得分" "实际完成值" "偏差原因分析及改进措施" "偏差原因")
  "Field names of a project.")

(defconst jixiao-level1-categories '("成本指标" "产出指标" "效益指标" "满意度指标")
  "一级指标.")

(defconst jixiao-level2-categories
  '("经济成本指标" "社会成本指标" "生态环境成本指标" "数量指标" "质量指标" "时效指标"
    "经济效益指标" "社会效益指标" "生态效益指标" "可持续影响指标" "服务对象满意度指标"
    "社会公众或服务对象满意度指标")
  "二级指标.")

(defconst jixiao-text-fields '("年度总体目标" "预算目标" "实际完成情况")
  "Fields whose value is free text written as `>' lines.")

(eval-and-compile
  (defconst jixiao--ws "[ \t\u3000]"
    "Indentation characters: space, tab, full-width space."))

(defun jixiao--key-re (names)
  "Regexp matching a line whose name is one of NAMES, followed by a colon."
  (concat "^" jixiao--ws "*\\(" (regexp-opt names) "\\)" jixiao--ws "*[:：]"))

(defconst jixiao--number-re "[-+]?[0-9][0-9,]*\\(?:\\.[0-9]+\\)?[%％]?")
(defconst jixiao--operator-re (regexp-opt '(">=" "<=" "≥" "≤" "≧" "≦" "＞" "＜" "＝" "=" ">" "<")))
(defconst jixiao--unit-re "[(（][^()（）\n]*[)）]")

(defface jixiao-level1-face
  '((t :inherit font-lock-type-face :weight bold))
  "Face for 一级指标 (level-1 categories).")

(defconst jixiao-font-lock-keywords
  `(;; > free text
    (,(concat "^" jixiao--ws "*\\(>\\)\\(.*\\)$")
     (1 font-lock-builtin-face) (2 font-lock-doc-face))
    ;; 项目: name
    (,(concat "^" jixiao--ws "*\\(项目\\)" jixiao--ws "*[:：]" jixiao--ws "*\\(.*?\\)" jixiao--ws "*$")
     (1 font-lock-keyword-face) (2 font-lock-function-name-face))
    (,(jixiao--key-re jixiao-header-keys) 1 font-lock-preprocessor-face)
    (,(jixiao--key-re jixiao-fields) 1 font-lock-builtin-face)
    (,(jixiao--key-re jixiao-level1-categories) 1 'jixiao-level1-face)
    (,(jixiao--key-re jixiao-level2-categories) 1 font-lock-type-face)
    ;; unknown category: a name ending in 指标 without a value
    (,(concat "^" jixiao--ws "*\\([^#> \t\u3000:：\n][^:：\n]*指标\\)" jixiao--ws "*[:：]" jixiao--ws "*$")
     1 font-lock-type-face)
    ;; any other name is an indicator
    (,(concat "^" jixiao--ws "*\\([^#> \t\u3000:：\n][^:：\n]*?\\)" jixiao--ws "*[:：]")
     1 font-lock-variable-name-face)
    ;; values (after the first colon of an entry line)
    (,(concat "^" jixiao--ws "*[^#> \t\u3000:：\n][^:：\n]*[:：]" jixiao--ws "*"
              "\\(" jixiao--operator-re "\\)?" jixiao--ws "*"
              "\\(" jixiao--number-re "\\)" jixiao--ws "*"
              "\\(" jixiao--unit-re "\\|万元\\|万\\|元\\)?" jixiao--ws "*$")
     (1 font-lock-keyword-face nil t) (2 font-lock-constant-face) (3 font-lock-type-face nil t))
    (,(concat "^" jixiao--ws "*[^#> \t\u3000:：\n][^:：\n]*[:：]" jixiao--ws "*"
              "\\(" jixiao--operator-re "\\)" jixiao--ws "*"
              "\\(" jixiao--number-re "\\)" jixiao--ws "*\\([^ \t\u3000\n]+\\)" jixiao--ws "*$")
     (1 font-lock-keyword-face) (2 font-lock-constant-face) (3 font-lock-type-face))
    (,(concat "^" jixiao--ws "*[^#> \t\u3000:：\n][^:：\n]*[:：]" jixiao--ws "*\\([0-9]\\{4\\}-[0-9]\\{1,2\\}-[0-9]\\{1,2\\}\\|—+\\|-\\|/\\)" jixiao--ws "*$")
     1 font-lock-constant-face)
    (,(regexp-opt '("绩效目标申报表" "绩效自评表" "finance-2020" "finance-2021" "shanghai-2025") 'symbols)
     0 font-lock-constant-face)
    ;; PDF/OCR leftovers: $\geq 90.00\%$, <p>
    ("\\$[^$\n]*\\\\[^$\n]*\\$\\|</?[A-Za-z][A-Za-z0-9]*[^<>\n]*>" 0 font-lock-warning-face))
  "Highlighting for `jixiao-mode'.")

(defvar jixiao-mode-syntax-table
  (let ((st (make-syntax-table)))
    ;; `#' starts a comment only at the start of a line: see `jixiao-syntax-propertize'.
    (modify-syntax-entry ?# "." st)
    (modify-syntax-entry ?\n ">" st)
    (modify-syntax-entry ?\" "." st)
    (modify-syntax-entry ?' "." st)
    (modify-syntax-entry ?（ "(）" st)
    (modify-syntax-entry ?） ")（" st)
    (modify-syntax-entry ?【 "(】" st)
    (modify-syntax-entry ?】 ")【" st)
    (modify-syntax-entry ?《 "(》" st)
    (modify-syntax-entry ?》 ")《" st)
    (dolist (c '(?： ?， ?。 ?、 ?； ?！ ?？ ?≥ ?≤ ?＞ ?＜ ?＝ ?≧ ?≦ ?— ?%))
      (modify-syntax-entry c "." st))
    st)
  "Syntax table for `jixiao-mode'.")

(defconst jixiao-syntax-propertize
  (syntax-propertize-rules
   ((concat "^" jixiao--ws "*\\(#\\)") (1 "<")))
  "Mark `#' as a comment starter only where it begins a line.")

(defun jixiao--line-info ()
  "Return (INDENT . KIND) for the current line.
KIND is `blank', `comment', `text', `project', `block' (a name without
a value) or `entry'."
  (save-excursion
    (beginning-of-line)
    (let ((indent (progn (skip-chars-forward " \t\u3000") (current-column))))
      (cons indent
            (cond ((looking-at-p "$") 'blank)
                  ((looking-at-p "#") 'comment)
                  ((looking-at-p ">") 'text)
                  ((looking-at-p (concat "项目" jixiao--ws "*[:：]")) 'project)
                  ((looking-at-p (concat "[^:：\n]*[:：]" jixiao--ws "*$")) 'block)
                  (t 'entry))))))

(defun jixiao--expected-indent ()
  "Indentation for the current line, from the previous non-blank, non-comment line."
  (save-excursion
    (beginning-of-line)
    (let ((here (cdr (jixiao--line-info)))
          prev)
      (if (eq here 'project)
          0
        (while (and (not prev) (zerop (forward-line -1)))
          (let ((info (jixiao--line-info)))
            (unless (memq (cdr info) '(blank comment))
              (setq prev info))))
        (cond ((null prev) 0)
              ((memq (cdr prev) '(project block)) (+ (car prev) jixiao-indent-offset))
              (t (car prev)))))))

(defun jixiao-indent-line ()
  "Indent the current line; repeated, cycle to one level less."
  (interactive)
  (let* ((current (car (jixiao--line-info)))
         (expected (jixiao--expected-indent))
         (target (if (and (eq last-command this-command) (memq this-command '(indent-for-tab-command jixiao-indent-line)))
                     (if (> current 0) (max 0 (- current jixiao-indent-offset)) expected)
                   expected))
         (offset (- (current-column) current)))
    (indent-line-to target)
    (when (> offset 0)
      (move-to-column (+ target offset)))))

(defun jixiao-newline ()
  "Insert a newline; on a `>' line continue it with `> ' at the same indentation.
After a text field name (年度总体目标: ...) start its first `>' line one level deeper."
  (interactive)
  (let* ((info (jixiao--line-info))
         (indent (car info))
         (text-field (save-excursion
                       (beginning-of-line)
                       (looking-at-p (concat (jixiao--key-re jixiao-text-fields) jixiao--ws "*$")))))
    (cond ((and (eq (cdr info) 'text)
                (> (point) (save-excursion (beginning-of-line) (skip-chars-forward " \t\u3000") (point))))
           (newline)
           (indent-line-to indent)
           (insert "> "))
          ((and text-field (eolp))
           (newline)
           (indent-line-to (+ indent jixiao-indent-offset))
           (insert "> "))
          (t (newline-and-indent)))))

(defvar jixiao-mode-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "RET") #'jixiao-newline)
    map)
  "Keymap for `jixiao-mode'.")

(defvar jixiao-imenu-generic-expression
  `(("项目" ,(concat "^" jixiao--ws "*项目" jixiao--ws "*[:：]" jixiao--ws "*\\(.+?\\)" jixiao--ws "*$") 1))
  "Imenu index: the projects of the file.")

;;;###autoload
(define-derived-mode jixiao-mode prog-mode "jixiao"
  "Major mode for jixiao (绩效) files: 绩效目标申报表 and 绩效自评表.

\\{jixiao-mode-map}"
  :syntax-table jixiao-mode-syntax-table
  (setq-local comment-start "# ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "#+[ \t]*")
  (setq-local comment-use-syntax t)
  (setq-local syntax-propertize-function jixiao-syntax-propertize)
  (setq-local font-lock-defaults '(jixiao-font-lock-keywords))
  (setq-local indent-line-function #'jixiao-indent-line)
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width jixiao-indent-offset)
  (setq-local electric-indent-inhibit t)
  (setq-local require-final-newline t)
  (setq-local imenu-generic-expression jixiao-imenu-generic-expression)
  (setq-local outline-regexp (concat jixiao--ws "*项目" jixiao--ws "*[:：]")))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.jixiao\\'" . jixiao-mode))

;; The language server: `jixiao lsp' over stdio.
(defvar eglot-server-programs)
;;;###autoload
(with-eval-after-load 'eglot
  (add-to-list 'eglot-server-programs '(jixiao-mode "jixiao" "lsp")))

(provide 'jixiao)
;;; jixiao.el ends here
