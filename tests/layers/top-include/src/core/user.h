int user(void);
