DROP TABLE desk_files;
