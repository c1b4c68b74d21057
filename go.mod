module github.com/websession/session

go 1.26.0
