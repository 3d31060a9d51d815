module github.com/qalamnews/qalam

go 1.26
