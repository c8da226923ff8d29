module github.com/eacred/dcrstakepool

go 1.26.8
