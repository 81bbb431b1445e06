#include "workfront.h"
int main(void){return 0;}
