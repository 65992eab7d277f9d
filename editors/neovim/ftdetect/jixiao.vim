" *.jixiao files: filetype jixiao (its highlighting is syntax/jixiao.vim).
autocmd BufRead,BufNewFile *.jixiao setfiletype jixiao
